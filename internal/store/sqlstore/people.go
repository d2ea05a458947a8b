package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/merge"
)

// WriteCustomerMerge unites customer otherID into id in one transaction
// (F1; internal/merge decides who may and UniteCustomers what the
// profile keeps) and announces the moved conversations.
func (s *Conversations) WriteCustomerMerge(ctx context.Context, id, otherID desk.ID, reason string) (*desk.Customer, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var moved []desk.ID
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		moved, err = s.mergeCustomersTx(ctx, tx, actor, id, otherID, reason)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publishConversations(ctx, moved...)
	return s.FindCustomerByID(ctx, id)
}

// mergeCustomersTx unites customer otherID into id inside tx: the
// profiles as read here, united by merge.UniteCustomers; conversations
// moved, each with a customer_merged event naming why ("people",
// "identity"). It returns the moved conversations.
func (s *Conversations) mergeCustomersTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, id, otherID desk.ID, why string) ([]desk.ID, error) {
	keep, err := scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, int64(id)))
	if err != nil {
		return nil, err
	}
	gone, err := scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, int64(otherID)))
	if err != nil {
		return nil, err
	}
	if keep, err = merge.UniteCustomers(keep, gone); err != nil {
		return nil, err
	}
	var moved []desk.ID
	rows, err := tx.QueryContext(ctx, `SELECT id FROM conversations WHERE customer_id = $1`, int64(otherID))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var cid desk.ID
		if err := rows.Scan(&cid); err != nil {
			rows.Close()
			return nil, err
		}
		moved = append(moved, cid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := micros(s.now())
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET customer_id = $1, updated_at = $2 WHERE customer_id = $3`, int64(id), now, int64(otherID)); err != nil {
		return nil, err
	}
	// The other's contacts go first, so that the survivor may take them.
	if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE customer_id = $1`, int64(otherID)); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = $1, gender = $2, city = $3, country = $4, attributes = $5, updated_at = $6,
		last_activity_at = (SELECT max(v) FROM (SELECT last_activity_at AS v FROM customers WHERE id IN ($7, $8)) t) WHERE id = $7`,
		keep.Name, keep.Gender, keep.City, keep.Country, mustJSON(keep.Attributes), now, int64(id), int64(otherID)); err != nil {
		return nil, err
	}
	if err := s.writeCustomerPartsTx(ctx, tx, keep); err != nil {
		return nil, err
	}
	for _, cid := range moved {
		if err := s.insertEventTx(ctx, tx, cid, desk.EventCustomerMerged, actor, now,
			map[string]any{"from": otherID.String(), "to": id.String(), "reason": why}); err != nil {
			return nil, err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM customers WHERE id = $1`, int64(otherID))
	return moved, err
}

// publishConversations announces conversation.updated for conversations
// changed by a write that has committed.
func (s *Conversations) publishConversations(ctx context.Context, ids ...desk.ID) {
	var chs []desk.Change
	for _, id := range ids {
		if c, err := s.findConversation(ctx, s.rd, desk.SystemActor, id); err == nil {
			chs = append(chs, s.conversationChange(desk.ChangeConversationUpdated, c))
		}
	}
	s.publish(chs...)
}

// LinkConversation sets or clears a conversation's customer (F2).
func (s *Conversations) LinkConversation(ctx context.Context, convID desk.ID, customerID *desk.ID) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, actor, convID)
	if err != nil {
		return nil, err
	}
	if c.Channel == desk.ChannelInternal {
		return nil, desk.FieldErrorf("customer_id", "internal conversations have no customer")
	}
	var cu *desk.Customer
	if customerID != nil {
		if cu, err = s.FindCustomerByID(ctx, *customerID); desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil, desk.FieldErrorf("customer_id", "unknown customer")
		} else if err != nil {
			return nil, err
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := micros(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET customer_id = $1, updated_at = $2 WHERE id = $3`, idArg(customerID), now, int64(convID)); err != nil {
			return err
		}
		data := map[string]any{"from": nil, "to": nil}
		if c.CustomerID != 0 {
			data["from"] = c.CustomerID.String()
		}
		if cu != nil {
			data["to"] = cu.ID.String()
			if err := s.adoptContactTx(ctx, tx, cu, c); err != nil {
				return err
			}
		}
		return s.insertEventTx(ctx, tx, convID, desk.EventCustomerLinked, actor, now, data)
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, convID)
	if err != nil {
		return nil, err
	}
	s.publish(s.conversationChange(desk.ChangeConversationUpdated, fresh))
	return fresh, nil
}

// adoptContactTx gives cu the conversation's contact address if nobody
// owns it, so that inbound messages from it auto-link to cu (F2).
func (s *Conversations) adoptContactTx(ctx context.Context, tx *sql.Tx, cu *desk.Customer, c *desk.Conversation) error {
	if c.ContactAddress == "" {
		return nil
	}
	var owner int64
	err := tx.QueryRowContext(ctx, `SELECT customer_id FROM contacts WHERE channel = $1 AND address = $2`, c.Channel, c.ContactAddress).Scan(&owner)
	if err == nil || !isNoRows(err) {
		return err
	}
	cu.Contacts = append(cu.Contacts, desk.Contact{Channel: c.Channel, Address: c.ContactAddress})
	return s.writeCustomerPartsTx(ctx, tx, cu)
}

// FindCustomerConversations lists a customer's history (F3), scoped to the
// actor's queues inside the query.
func (s *Conversations) FindCustomerConversations(ctx context.Context, customerID desk.ID, f desk.HistoryFilter) ([]*desk.Conversation, string, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, "", err
	}
	if f.Channel != "" && !desk.ValidChannel(f.Channel) {
		return nil, "", desk.FieldErrorf("channel", "unknown channel %q", f.Channel)
	}
	if _, err := s.FindCustomerByID(ctx, customerID); err != nil {
		return nil, "", err
	}
	var w where
	w.add(`c.customer_id = ?`, int64(customerID))
	w.add(`c.channel <> ?`, desk.ChannelInternal)
	restrict(&w, actor)
	if f.Channel != "" {
		w.add(`c.channel = ?`, f.Channel)
	}
	var cur cursor
	if f.Cursor != "" {
		if err := cur.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		key, _ := cur.Key.(int64)
		w.add(`(c.created_at < ? OR (c.created_at = ? AND c.id < ?))`, key, key, cur.ID)
	}
	n := f.Limit
	if n <= 0 {
		n = desk.HistoryDefaultLimit
	}
	n = min(n, 200, desk.HistoryMaxTotal-cur.N)
	if n <= 0 {
		return []*desk.Conversation{}, "", nil
	}
	rows, err := s.rd.QueryContext(ctx, conversationSelect+conversationFrom+w.sql()+` ORDER BY c.created_at DESC, c.id DESC LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*desk.Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		last := out[n-1]
		if cur.N+n < desk.HistoryMaxTotal {
			next = cursor{Key: micros(last.CreatedAt), ID: int64(last.ID), N: cur.N + n}.encode()
		}
	}
	return out, next, nil
}
