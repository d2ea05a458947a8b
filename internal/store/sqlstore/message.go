package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const messageColumns = `id, conversation_id, kind, direction, type, text, channel, from_addr, to_addr, author_id, external_id, delivery_state, failure_reason, created_at`

func scanMessage(row interface{ Scan(...any) error }) (*desk.Message, error) {
	var m desk.Message
	var author sql.NullInt64
	var ext sql.NullString
	var at int64
	if err := row.Scan(&m.ID, &m.ConversationID, &m.Kind, &m.Direction, &m.Type, &m.Text, &m.Channel, &m.From, &m.To,
		&author, &ext, &m.DeliveryState, &m.FailureReason, &at); err != nil {
		return nil, err
	}
	m.AuthorID, m.ExternalID, m.CreatedAt = nullID(author), ext.String, fromMicros(at)
	return &m, nil
}

// CreateMessage adds an agent's reply or internal note to a visible
// conversation. Replies start Queued for the channel's sender.
func (s *Store) CreateMessage(ctx context.Context, m *desk.Message) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	c, err := s.findConversation(ctx, s.rd, actor, m.ConversationID)
	if err != nil {
		return err
	}
	if m.Kind == desk.KindMessage && c.Status == desk.ConversationClosed {
		return desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed; start a new one")
	}
	now := s.now()
	m.Direction, m.Channel, m.CreatedAt = desk.DirectionOut, c.Channel, now
	m.From, m.To, m.DeliveryState = c.SenderAddress, c.ContactAddress, ""
	if c.Channel == desk.ChannelInternal {
		// Between agents only (C9): nothing to deliver, never an outbox job.
		m.From, m.To, m.Send = "", "", nil
	} else if m.Kind == desk.KindMessage {
		m.DeliveryState = desk.DeliveryQueued
	} else {
		m.From, m.To = "", ""
	}
	if !actor.System {
		id := actor.AgentID
		m.AuthorID = &id
	}
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.insertAgentMessageTx(ctx, tx, m, now) }); err != nil {
		return err
	}
	ch := s.conversationChange(desk.ChangeMessageCreated, c)
	ch.MessageID = m.ID
	s.publish(ch)
	return nil
}

// insertAgentMessageTx stores an agent's message or note (its fields
// already filled), its attachments and, for a message with Send, its send
// job; it moves the conversation's activity times.
func (s *Store) insertAgentMessageTx(ctx context.Context, tx *sql.Tx, m *desk.Message, now time.Time) error {
	if err := tx.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, author_id, delivery_state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		int64(m.ConversationID), m.Kind, m.Direction, m.Type, m.Text, m.Channel, m.From, m.To, idArg(m.AuthorID), m.DeliveryState, micros(now)).Scan(&m.ID); err != nil {
		return err
	}
	if err := s.insertAttachmentsTx(ctx, tx, m, now); err != nil {
		return err
	}
	if m.Kind == desk.KindMessage && m.Send != nil {
		if err := s.enqueueSendTx(ctx, tx, m, micros(now)); err != nil {
			return err
		}
	}
	if m.Kind == desk.KindNote {
		_, err := tx.ExecContext(ctx, `UPDATE conversations SET updated_at = $1 WHERE id = $2`, micros(now), int64(m.ConversationID))
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE conversations SET last_message_at = $1, updated_at = $1 WHERE id = $2`, micros(now), int64(m.ConversationID))
	return err
}

// FindMessages returns a visible conversation's thread, oldest first.
func (s *Store) FindMessages(ctx context.Context, conversationID desk.ID, f desk.MessageFilter) ([]*desk.Message, string, error) {
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
	return out, next, nil
}
