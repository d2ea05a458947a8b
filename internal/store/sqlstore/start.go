package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// StartConversation creates an agent-started conversation (C2) after the
// one-ongoing-conversation check (C4), with its first message, in one
// transaction. The customer's row is locked first, so two agents starting
// a conversation with the same contact at once are serialized: the second
// sees the first's conversation.
func (s *Conversations) StartConversation(ctx context.Context, n *desk.NewConversation) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	n.Sender = phone.Sender(n.Channel, n.Sender, phone.ForChannel(n.Channel, "", ""))
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var c *desk.Conversation
	for attempt := 0; ; attempt++ {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			c, err = s.startTx(ctx, tx, actor, n)
			return err
		})
		// A concurrent first conversation with a new address loses on the
		// contacts index; running again finds the winner's customer.
		if err == nil || attempt == 3 || !s.retryable(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, c.ID)
	if err != nil {
		return nil, err
	}
	changes := []desk.Change{s.conversationChange(desk.ChangeConversationCreated, fresh)}
	if n.Message != nil {
		ch := s.conversationChange(desk.ChangeMessageCreated, fresh)
		ch.MessageID, ch.Direction, ch.Kind = n.Message.ID, desk.DirectionOut, desk.KindMessage
		changes = append(changes, ch)
	}
	s.publish(changes...)
	return fresh, nil
}

// startTx does StartConversation's work inside tx.
func (s *Conversations) startTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, n *desk.NewConversation) (*desk.Conversation, error) {
	customerID, contact, err := s.resolveRecipientTx(ctx, tx, n)
	if err != nil {
		return nil, err
	}
	if err := s.ongoingCheckTx(ctx, tx, actor, customerID, n.Channel, contact, n.Sender); err != nil {
		return nil, err
	}
	if n.QueueID == 0 {
		n.QueueID = s.defaultQueue
	}
	if n.AssigneeID == nil && !n.Unassigned && actor.AgentID != 0 {
		// The agent who starts it holds it (API.md), when the queue is theirs.
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM queue_members WHERE queue_id = $1 AND agent_id = $2`, int64(n.QueueID), int64(actor.AgentID)).Scan(&one)
		if err == nil {
			id := actor.AgentID
			n.AssigneeID = &id
		} else if !isNoRows(err) {
			return nil, err
		}
	} else if err := s.checkStartAssigneeTx(ctx, tx, actor, n); err != nil {
		return nil, err
	}
	c := &desk.Conversation{Channel: n.Channel, CustomerID: customerID, Status: n.Status, Priority: n.Priority, Tags: n.Tags,
		Topic: n.Topic, QueueID: n.QueueID, AssigneeID: n.AssigneeID, ContactAddress: contact, SenderAddress: n.Sender,
		Subject: n.Subject, CC: n.CC, BCC: n.BCC}
	if n.FormID != nil || len(n.FormValues) > 0 {
		// The form (C10) is checked before anything is written; solving or
		// closing at once needs its required fields.
		form, err := s.applyFormTx(ctx, tx, c, n.FormID, n.FormValues)
		if err != nil {
			return nil, err
		}
		if err := desk.CheckFormComplete(form, c, desk.ConversationOpen); err != nil {
			return nil, err
		}
	}
	if err := s.createConversationTx(ctx, tx, actor, c, map[string]any{"started_by_agent": !actor.System}); err != nil {
		return nil, err
	}
	if c.FormID != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET form_id = $1, form_values = $2 WHERE id = $3`,
			int64(*c.FormID), mustJSON(c.FormValues), int64(c.ID)); err != nil {
			return nil, err
		}
	}
	if m := n.Message; m != nil {
		now := s.now()
		m.ConversationID, m.Kind, m.Direction, m.Channel, m.CreatedAt = c.ID, desk.KindMessage, desk.DirectionOut, c.Channel, now
		m.From, m.To, m.DeliveryState = c.SenderAddress, c.ContactAddress, desk.DeliveryQueued
		if !actor.System {
			id := actor.AgentID
			m.AuthorID = &id
		}
		// The send job is left to the workers' wake-up (the compose service
		// notifies them after commit) rather than reserved for this node.
		if _, err := s.createMessageTx(ctx, tx, m, false, micros(now), 0); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// resolveRecipientTx finds the customer and contact address of To and
// locks the customer's row: a chosen contact of a People customer, the
// only contact on the channel, or the owner of a raw address (an unknown
// customer is created for a new address).
func (s *Conversations) resolveRecipientTx(ctx context.Context, tx *sql.Tx, n *desk.NewConversation) (desk.ID, string, error) {
	if n.CustomerID == 0 {
		addr, err := phone.Address("contact_address", n.Channel, n.ContactAddress, phone.Context{})
		if err != nil {
			return 0, "", err
		}
		var id desk.ID
		err = tx.QueryRowContext(ctx, `SELECT customer_id FROM contacts WHERE channel = $1 AND address = $2`, n.Channel, addr).Scan(&id)
		if isNoRows(err) {
			now := s.now()
			cu := &desk.Customer{Contacts: []desk.Contact{{Channel: n.Channel, Address: addr}}}
			if err := tx.QueryRowContext(ctx, qIngestNewCustomer, sortName(cu), mustJSON(cu.Contacts), search.CustomerTerms("", cu.Contacts), micros(now)).Scan(&id); err != nil {
				return 0, "", err
			}
			if _, err := tx.ExecContext(ctx, qIngestNewContact, n.Channel, addr, int64(id)); err != nil {
				return 0, "", err
			}
		} else if err != nil {
			return 0, "", err
		}
		return id, addr, s.lockCustomerTx(ctx, tx, id)
	}
	if err := s.lockCustomerTx(ctx, tx, n.CustomerID); isNoRows(err) {
		return 0, "", desk.FieldErrorf("customer_id", "unknown customer")
	} else if err != nil {
		return 0, "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT address FROM contacts WHERE customer_id = $1 AND channel = $2 ORDER BY position, address`, int64(n.CustomerID), n.Channel)
	if err != nil {
		return 0, "", err
	}
	var addrs []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return 0, "", err
		}
		addrs = append(addrs, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	if n.ContactAddress != "" {
		addr, err := phone.Address("contact_address", n.Channel, n.ContactAddress, phone.Context{})
		if err != nil {
			return 0, "", err
		}
		for _, a := range addrs {
			if a == addr {
				return n.CustomerID, a, nil
			}
		}
		return 0, "", desk.FieldErrorf("contact_address", "the customer has no %s contact %s", n.Channel, addr)
	}
	switch len(addrs) {
	case 0:
		return 0, "", desk.FieldErrorf("contact_address", "the customer has no %s contact", n.Channel)
	case 1:
		return n.CustomerID, addrs[0], nil
	}
	return 0, "", &desk.Error{Kind: desk.EINVALID, Code: desk.CodeContactRequired, Field: "contact_address",
		Message: "the customer has several " + n.Channel + " contacts: choose one", Detail: map[string]any{"contacts": addrs}}
}

// lockCustomerTx takes the customer's row lock (a no-op update: both
// databases lock the row for the rest of the transaction); sql.ErrNoRows
// if there is no such customer.
func (s *Conversations) lockCustomerTx(ctx context.Context, tx *sql.Tx, id desk.ID) error {
	res, err := tx.ExecContext(ctx, `UPDATE customers SET updated_at = updated_at WHERE id = $1`, int64(id))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// ongoingTx returns the ongoing conversation between a contact and a
// sender (C4: there is at most one, conversations_one_ongoing), or
// sql.ErrNoRows.
func (s *Conversations) ongoingTx(ctx context.Context, q *sql.Tx, channel, contact, sender string) (*desk.Conversation, error) {
	return scanConversation(q.QueryRowContext(ctx, conversationSelect+conversationFrom+` WHERE c.channel = $1
		AND c.contact_address = $2 AND c.sender_address = $3 AND c.status <> 'closed' AND c.contact_address <> '' ORDER BY c.id DESC LIMIT 1`,
		channel, contact, sender))
}

// ongoingConflict is the 409 of C4 naming the conversation to continue.
func ongoingConflict(c *desk.Conversation) error {
	return &desk.Error{Kind: desk.ECONFLICT, Code: desk.CodeOngoingConversation,
		Message: "an ongoing conversation with this contact exists: continue it",
		Detail:  map[string]any{"conversation_id": c.ID.String(), "conversation": c}}
}

// ongoingCheckTx applies C4: an ongoing (not closed) conversation between
// the contact and the sender is offered for continuing when unassigned or
// the actor's, and refused naming its agent otherwise.
func (s *Conversations) ongoingCheckTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, customerID desk.ID, channel, contact, sender string) error {
	c, err := s.ongoingTx(ctx, tx, channel, contact, sender)
	if isNoRows(err) {
		return nil
	} else if err != nil {
		return err
	}
	if c.AssigneeID == nil || (!actor.System && *c.AssigneeID == actor.AgentID) {
		return ongoingConflict(c)
	}
	return &desk.Error{Kind: desk.ECONFLICT, Code: desk.CodeOngoingWithOtherAgent,
		Message: c.AssigneeName + " is already in a conversation with this contact",
		Detail:  map[string]any{"conversation_id": c.ID.String(), "agent_id": c.AssigneeID.String(), "agent_name": c.AssigneeName}}
}

// checkStartAssigneeTx applies C2's assignee rule to a new conversation:
// the assignee must belong to the queue; an agent assigns themselves, or
// a colleague where the queue lets its agents (agents_assign_colleagues);
// supervisors and admins assign anyone of the queue.
func (s *Conversations) checkStartAssigneeTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, n *desk.NewConversation) error {
	if n.AssigneeID == nil {
		return nil
	}
	var colleagues bool
	err := tx.QueryRowContext(ctx, `SELECT q.agents_assign_colleagues FROM queues q
		JOIN queue_members m ON m.queue_id = q.id AND m.agent_id = $2 WHERE q.id = $1`, int64(n.QueueID), int64(*n.AssigneeID)).Scan(&colleagues)
	if isNoRows(err) {
		if !actor.SeesAllQueues() && *n.AssigneeID != actor.AgentID {
			// Agents assign only within their queue: naming someone
			// outside it is forbidden, not a typo (queue isolation).
			return &desk.Error{Kind: desk.EFORBIDDEN, Code: "assign_not_allowed", Field: "agent_id",
				Message: "agents can assign a new conversation only to themselves or, where the queue allows, its members"}
		}
		return desk.FieldErrorf("agent_id", "the agent is not a member of the queue")
	} else if err != nil {
		return err
	}
	if actor.SeesAllQueues() || *n.AssigneeID == actor.AgentID || colleagues {
		return nil
	}
	return &desk.Error{Kind: desk.EFORBIDDEN, Code: "assign_not_allowed", Field: "agent_id",
		Message: "agents of this queue can assign a new conversation only to themselves"}
}
