package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/trace"
)

const messageColumns = `id, conversation_id, kind, direction, type, text, channel, from_addr, to_addr, author_id, external_id, delivery_state, failure_reason, created_at, maybe_duplicate`

func scanMessage(row interface{ Scan(...any) error }) (*desk.Message, error) {
	var m desk.Message
	var author sql.NullInt64
	var ext sql.NullString
	var at int64
	if err := row.Scan(&m.ID, &m.ConversationID, &m.Kind, &m.Direction, &m.Type, &m.Text, &m.Channel, &m.From, &m.To,
		&author, &ext, &m.DeliveryState, &m.FailureReason, &at, &m.MaybeDuplicate); err != nil {
		return nil, err
	}
	m.AuthorID, m.ExternalID, m.CreatedAt = nullID(author), ext.String, fromMicros(at)
	return &m, nil
}

// The reply statements, prepared on the writer with the ingest ones.
const (
	qReplyMessage = `INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, author_id, delivery_state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`
	qReplyTouchNote = `UPDATE conversations SET updated_at = $1 WHERE id = $2`
	qReplyTouchConv = `UPDATE conversations SET last_message_at = $1, updated_at = $1 WHERE id = $2`
	// qReplySwitchConv moves the conversation to the channel and contact a
	// reply used (C7): the last used channel is the one preselected next.
	qReplySwitchConv = `UPDATE conversations SET last_message_at = $1, updated_at = $1, channel = $2, contact_address = $3, sender_address = $4 WHERE id = $5`
	qOutboxInsert    = `INSERT INTO outbox (message_id, channel_id, idempotency_key, next_attempt_at, payload, locked_until, attempts, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $4, $4) RETURNING id`
)

// CreateMessage adds an agent's reply or internal note to a visible
// conversation. Replies start Queued and go out from the conversation's
// sender to its contact, unless the caller set m.Channel, m.From and m.To
// (a reply on another of the customer's contacts, C7, which the outbound
// service has checked); the conversation then follows that channel. On a
// database with ingest lanes concurrent messages share commits with each
// other and with inbound messages (group commit, see ingestBatcher).
// Publishes message.created after commit.
func (s *Conversations) CreateMessage(ctx context.Context, m *desk.Message) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	ctx, span := trace.Start(ctx, "store.message")
	defer span.End()
	c := m.Conversation
	if c == nil || c.ID != m.ConversationID {
		if c, err = s.findConversation(ctx, s.rd, actor, m.ConversationID); err != nil {
			return err
		}
	}
	m.Conversation = nil
	if m.Kind == desk.KindMessage && c.Status == desk.ConversationClosed {
		return desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed; start a new one")
	}
	now := s.now()
	switched := m.Kind == desk.KindMessage && m.Channel != "" && m.To != "" &&
		(m.Channel != c.Channel || m.To != c.ContactAddress || m.From != c.SenderAddress)
	if !switched {
		m.Channel, m.From, m.To = c.Channel, c.SenderAddress, c.ContactAddress
	}
	m.Direction, m.CreatedAt, m.DeliveryState = desk.DirectionOut, now, ""
	if c.Channel == desk.ChannelInternal {
		// Between agents only (C9): nothing to deliver, never an outbox job.
		m.Channel, m.From, m.To, m.Send = c.Channel, "", "", nil
	} else if m.Kind == desk.KindMessage {
		m.DeliveryState = desk.DeliveryQueued
	} else {
		m.Channel, m.From, m.To = c.Channel, "", ""
	}
	if !actor.System {
		id := actor.AgentID
		m.AuthorID = &id
	}
	// A reply is handed to this node's send workers after commit when they
	// have room (see desk.SendDispatcher).
	var lease time.Duration
	reserved := false
	if m.Kind == desk.KindMessage && m.Send != nil && s.dispatcher != nil {
		lease, reserved = s.dispatcher.Reserve()
	}
	var job *desk.SendJob
	write := func(ctx context.Context, tx *sql.Tx) (err error) {
		job, err = s.createMessageTx(ctx, tx, m, switched, micros(now), lease)
		return err
	}
	if len(s.lanes) > 0 {
		// Alone in its lane's batch, a one-statement reply is written
		// without BEGIN and COMMIT: the statement is its transaction.
		var single func(ctx context.Context) (bool, error)
		if s.replyInOneFits(m, switched) {
			single = func(ctx context.Context) (bool, error) {
				j, err := s.replyInOneTx(ctx, s.w, m, micros(now), lease)
				job = j
				return err == nil, err
			}
		}
		err = s.lanes[laneOfContact(c.Channel, c.ContactAddress, len(s.lanes))].queueJob(ctx, &ingestJob{inTx: write, single: single,
			alone: func(ctx context.Context) error {
				return s.inTx(ctx, func(tx *sql.Tx) error { return write(ctx, tx) })
			}})
	} else {
		err = s.inTx(ctx, func(tx *sql.Tx) error { return write(ctx, tx) })
	}
	if err != nil {
		if reserved {
			s.dispatcher.Release()
		}
		return err
	}
	switch {
	case reserved:
		job.Trace = trace.Parent(ctx)
		s.dispatcher.Dispatch(job)
	case job != nil && s.dispatcher != nil:
		s.dispatcher.Notify()
	}
	if switched {
		c.Channel, c.ContactAddress, c.SenderAddress = m.Channel, m.To, m.From
	}
	ch := s.conversationChange(desk.ChangeMessageCreated, c)
	ch.MessageID, ch.Direction, ch.Kind, ch.Trace = m.ID, m.Direction, m.Kind, trace.Parent(ctx)
	s.publish(ch)
	return nil
}

// createMessageTx inserts an agent's message, its send job (returned, if
// any) and touches the conversation inside tx.
func (s *Conversations) createMessageTx(ctx context.Context, tx *sql.Tx, m *desk.Message, switched bool, at int64, lease time.Duration) (*desk.SendJob, error) {
	if s.replyInOneFits(m, switched) {
		return s.replyInOneTx(ctx, tx, m, at, lease)
	}
	if err := s.txRow(ctx, tx, qReplyMessage, int64(m.ConversationID), m.Kind, m.Direction, m.Type, m.Text, m.Channel, m.From, m.To,
		idArg(m.AuthorID), m.DeliveryState, at).Scan(&m.ID); err != nil {
		return nil, err
	}
	if err := s.insertAttachmentsTx(ctx, tx, m, fromMicros(at)); err != nil {
		return nil, err
	}
	if m.Kind == desk.KindNote {
		_, err := s.txExec(ctx, tx, qReplyTouchNote, at, int64(m.ConversationID))
		return nil, err
	}
	var job *desk.SendJob
	if m.Send != nil {
		var err error
		if m.Channel == desk.ChannelEmail {
			if err := s.emailThreadTx(ctx, tx, m); err != nil {
				return nil, err
			}
		}
		if job, err = s.enqueueSendTx(ctx, tx, m, at, lease); err != nil {
			return nil, err
		}
	}
	var err error
	if switched {
		// Moving to another contact and sender that has its own ongoing
		// conversation would make two (C4): continue that one instead.
		if other, oerr := s.ongoingTx(ctx, tx, m.Channel, m.To, m.From); oerr == nil && other.ID != m.ConversationID {
			return nil, ongoingConflict(other)
		} else if oerr != nil && !isNoRows(oerr) {
			return nil, oerr
		}
		_, err = s.txExec(ctx, tx, qReplySwitchConv, at, m.Channel, m.To, m.From, int64(m.ConversationID))
	} else {
		_, err = s.txExec(ctx, tx, qReplyTouchConv, at, int64(m.ConversationID))
	}
	return job, err
}

// FindMessages returns a visible conversation's thread, oldest first.
func (s *Conversations) FindMessages(ctx context.Context, conversationID desk.ID, f desk.MessageFilter) ([]*desk.Message, string, error) {
	if _, err := s.FindConversationByID(ctx, conversationID); err != nil {
		return nil, "", err
	}
	var w where
	w.add(`conversation_id = ?`, int64(conversationID))
	if f.Cursor != "" {
		var c cursor
		if err := c.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		w.add(`id > ?`, c.ID)
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages`+w.sql()+` ORDER BY id LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*desk.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{ID: int64(out[n-1].ID)}.encode()
	}
	if err := s.fillAttachments(ctx, out); err != nil {
		return nil, "", err
	}
	if err := s.fillReactions(ctx, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// insertAgentMessageTx stores a message written by the server inside a
// larger transaction (an internal conversation's first message, a
// survey): as createMessageTx, with its send job left to the workers.
func (s *Conversations) insertAgentMessageTx(ctx context.Context, tx *sql.Tx, m *desk.Message, now time.Time) error {
	_, err := s.createMessageTx(ctx, tx, m, false, micros(now), 0)
	return err
}
