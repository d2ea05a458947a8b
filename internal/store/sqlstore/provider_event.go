package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// ApplyWatermark moves every outbound message of a channel to one address,
// created at or before the watermark, forward to the receipt's state (a
// Messenger read watermark: everything before it was read). Failed
// messages stay failed.
func (s *Conversations) ApplyWatermark(ctx context.Context, r *desk.Receipt) (int, error) {
	if err := requireSystem(ctx); err != nil {
		return 0, err
	}
	var lower []string
	switch r.State {
	case desk.DeliveryDelivered:
		lower = []string{desk.DeliverySent}
	case desk.DeliverySeen:
		lower = []string{desk.DeliverySent, desk.DeliveryDelivered}
	default:
		return 0, desk.FieldErrorf("state", "a watermark moves messages to delivered or seen, not %q", r.State)
	}
	if r.To == "" {
		return 0, desk.FieldErrorf("to", "a watermark names the customer's address")
	}
	to, err := keyAddress(r.Channel, r.To)
	if err != nil {
		to = r.To
	}
	var convs []desk.ID
	var n int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT conversation_id FROM messages WHERE channel = $1 AND to_addr = $2 AND direction = 'out'
			AND kind = 'message' AND created_at <= $3 AND delivery_state IN ($4, $5)`, r.Channel, to, micros(r.At), lower[0], lower[len(lower)-1])
		if err != nil {
			return err
		}
		for rows.Next() {
			var id desk.ID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			convs = append(convs, id)
		}
		rows.Close()
		res, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_state = $1 WHERE channel = $2 AND to_addr = $3 AND direction = 'out'
			AND kind = 'message' AND created_at <= $4 AND delivery_state IN ($5, $6)`, r.State, r.Channel, to, micros(r.At), lower[0], lower[len(lower)-1])
		if err != nil {
			return err
		}
		moved, err := res.RowsAffected()
		n = int(moved)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, id := range convs {
		if c, err := s.findConversation(ctx, s.rd, desk.SystemActor, id); err == nil {
			ch := s.conversationChange(desk.ChangeMessageUpdated, c)
			ch.Direction, ch.Kind = desk.DirectionOut, desk.KindMessage
			s.publish(ch)
		}
	}
	return n, nil
}

// ApplyReaction sets or removes a customer's reaction on a message of
// their conversation.
func (s *Conversations) ApplyReaction(ctx context.Context, r *desk.Reaction) (*desk.Message, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	from, err := keyAddress(r.Channel, r.From)
	if err != nil {
		return nil, err
	}
	var m *desk.Message
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE channel = $1 AND external_id = $2`, r.Channel, r.ExternalID))
		if isNoRows(err) {
			return notFound("message")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_reactions WHERE message_id = $1 AND from_addr = $2`, int64(m.ID), from); err != nil {
			return err
		}
		if r.Emoji == "" {
			return nil
		}
		at := r.At
		if at.IsZero() {
			at = s.now()
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO message_reactions (message_id, from_addr, emoji, created_at) VALUES ($1, $2, $3, $4)`,
			int64(m.ID), from, r.Emoji, micros(at))
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.fillReactions(ctx, []*desk.Message{m}); err != nil {
		return nil, err
	}
	if c, err := s.findConversation(ctx, s.rd, desk.SystemActor, m.ConversationID); err == nil {
		ch := s.conversationChange(desk.ChangeMessageUpdated, c)
		ch.MessageID, ch.Direction, ch.Kind = m.ID, m.Direction, m.Kind
		s.publish(ch)
	}
	return m, nil
}

// fillReactions adds the reactions of a page of messages.
func (s *Conversations) fillReactions(ctx context.Context, msgs []*desk.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	byID := make(map[desk.ID]*desk.Message, len(msgs))
	ids := make([]any, len(msgs))
	marks := make([]string, len(msgs))
	for i, m := range msgs {
		byID[m.ID] = m
		ids[i] = int64(m.ID)
		marks[i] = "$" + itoa(i+1)
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT message_id, from_addr, emoji, created_at FROM message_reactions
		WHERE message_id IN (`+strings.Join(marks, ", ")+`) ORDER BY created_at, from_addr`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r desk.MessageReaction
		var id desk.ID
		var at int64
		if err := rows.Scan(&id, &r.From, &r.Emoji, &at); err != nil {
			return err
		}
		r.CreatedAt = fromMicros(at)
		if m := byID[id]; m != nil {
			m.Reactions = append(m.Reactions, r)
		}
	}
	return rows.Err()
}

// StoreEcho stores a message our account sent from another tool as an
// outbound message of the customer's ongoing conversation.
func (s *Conversations) StoreEcho(ctx context.Context, in *desk.InboundMessage) (*desk.Message, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var m *desk.Message
	var conv *desk.Conversation
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var id desk.ID
		err := tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE channel = $1 AND external_id = $2`, in.Channel, in.ExternalID).Scan(&id)
		if err == nil {
			m, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, int64(id)))
			return err
		} else if !isNoRows(err) {
			return err
		}
		var convID desk.ID
		err = tx.QueryRowContext(ctx, `SELECT c.id FROM conversations c JOIN contacts ct ON ct.customer_id = c.customer_id
			WHERE ct.channel = $1 AND ct.address = $2 AND c.status <> 'closed' ORDER BY c.id DESC LIMIT 1`, in.Channel, in.From).Scan(&convID)
		if isNoRows(err) {
			return notFound("conversation")
		} else if err != nil {
			return err
		}
		now := micros(s.now())
		var msgID desk.ID
		if err := tx.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr,
			external_id, delivery_state, created_at) VALUES ($1, 'message', 'out', $2, $3, $4, $5, $6, $7, 'sent', $8) RETURNING id`,
			int64(convID), in.Type, in.Text, in.Channel, in.To, in.From, in.ExternalID, now).Scan(&msgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET last_message_at = $1, updated_at = $1 WHERE id = $2`, now, int64(convID)); err != nil {
			return err
		}
		if m, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, int64(msgID))); err != nil {
			return err
		}
		conv, err = s.findConversation(ctx, tx, desk.SystemActor, convID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if conv != nil {
		ch := s.conversationChange(desk.ChangeMessageCreated, conv)
		ch.MessageID, ch.Direction, ch.Kind = m.ID, m.Direction, m.Kind
		s.publish(ch)
	}
	return m, nil
}

// SetOptOut records or clears a contact's opt-out of a channel.
func (s *Conversations) SetOptOut(ctx context.Context, channel, address string, optedOut bool, reason string) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	addr, err := keyAddress(channel, address)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM contact_opt_outs WHERE channel = $1 AND address = $2`, channel, addr); err != nil || !optedOut {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO contact_opt_outs (channel, address, reason, created_at) VALUES ($1, $2, $3, $4)`,
			channel, addr, strings.ToValidUTF8(reason, "\uFFFD"), micros(s.now()))
		return err
	})
}

// FindOptOut returns a contact's opt-out, to any actor (sending checks it).
func (s *Conversations) FindOptOut(ctx context.Context, channel, address string) (*desk.OptOut, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	addr, err := keyAddress(channel, address)
	if err != nil {
		addr = address
	}
	o := &desk.OptOut{Channel: channel, Address: addr}
	var at int64
	err = s.rd.QueryRowContext(ctx, `SELECT reason, created_at FROM contact_opt_outs WHERE channel = $1 AND address = $2`, channel, addr).Scan(&o.Reason, &at)
	if isNoRows(err) {
		return nil, notFound("opt-out")
	} else if err != nil {
		return nil, err
	}
	o.CreatedAt = fromMicros(at)
	return o, nil
}

// ChangeContactAddress moves a customer's contact to a new address, with
// their open conversations on the channel.
func (s *Conversations) ChangeContactAddress(ctx context.Context, channel, oldAddress, newAddress string) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	oldAddr, err := keyAddress(channel, oldAddress)
	if err != nil {
		return err
	}
	newAddr, err := keyAddress(channel, newAddress)
	if err != nil {
		return err
	}
	c, err := s.FindCustomerByContact(ctx, channel, oldAddr)
	if err != nil {
		return err
	}
	for i := range c.Contacts {
		if c.Contacts[i].Channel == channel && c.Contacts[i].Address == oldAddr {
			c.Contacts[i].Address = newAddr
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.writeCustomerPartsTx(ctx, tx, c); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE conversations SET contact_address = $1 WHERE customer_id = $2 AND channel = $3
			AND contact_address = $4 AND status <> 'closed'`, newAddr, int64(c.ID), channel, oldAddr)
		return err
	})
}

// keyAddress keys a provider event's customer address as every inbound
// one is (issue 16): a phone number in any written form, one key.
func keyAddress(channel, address string) (string, error) {
	return phone.Address("address", channel, address, phone.ForChannel(channel, "", ""))
}
