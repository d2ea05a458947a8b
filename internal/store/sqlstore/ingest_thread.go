package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// qIngestThreadContact is the usual inbound message in one statement where
// the database runs data-modifying WITH clauses (PostgreSQL): from a known
// contact, with an external ID not seen before, into the contact's
// customer's ongoing, not solved conversation. It finds the customer,
// checks the repeat, touches the conversation, stores the message and
// returns the customer, the conversation and the message's ID: what
// qIngestFindCustomer and qIngestThread did in two round trips. No row:
// anything else (an unknown contact, a repeat, no such conversation), and
// the usual path runs from the start.
var qIngestThreadContact = `WITH f AS (SELECT customer_id FROM contacts WHERE channel = $5 AND address = $6
		AND NOT EXISTS (SELECT 1 FROM messages WHERE channel = $5 AND external_id = $8)),
	c AS (UPDATE conversations SET last_message_at = $9, last_customer_message_at = $9, updated_at = $9
		WHERE id = (SELECT id FROM conversations WHERE customer_id = (SELECT customer_id FROM f) AND status <> 'closed' ORDER BY id DESC LIMIT 1)
		AND status <> 'solved' RETURNING *),
	m AS (INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		SELECT c.id, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM c RETURNING id)
	SELECT cu.id, cu.name, cu.gender, cu.city, cu.country, cu.attributes, cu.tags, cu.contacts, cu.created_at, cu.updated_at, cu.last_activity_at,
	` + conversationSelect[len(`SELECT `):] + `, (SELECT id FROM m) FROM c
	JOIN queues q ON q.id = c.queue_id
	JOIN customers cu ON cu.id = c.customer_id
	LEFT JOIN agents a ON a.id = c.assignee_id`

// scanFunc is a Scan method of a function, to read one row with two scan
// functions (the customer's columns, then the conversation's).
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// ingestThreadTx ingests in with qIngestThreadContact where it can: a
// message that carries nothing the usual path writes to the customer first
// (profile, email) nor names the conversation it answers (thread
// references). It returns nil and no error when the statement wrote
// nothing, for the usual path to run.
func (s *Conversations) ingestThreadTx(ctx context.Context, tx *sql.Tx, in *desk.InboundMessage) (*desk.IngestResult, error) {
	if !s.dialect.WritableCTE || len(in.Profile) > 0 || in.Email != "" || len(in.ThreadRefs) > 0 {
		return nil, nil
	}
	now := s.now()
	at := micros(now)
	m := &desk.Message{Kind: desk.KindMessage, Direction: desk.DirectionIn, Type: in.Type, Text: in.Text,
		Channel: in.Channel, From: in.From, To: in.To, ExternalID: in.ExternalID, CreatedAt: now}
	row := s.txRow(ctx, tx, qIngestThreadContact, m.Kind, m.Direction, m.Type, m.Text, m.Channel, m.From, m.To, m.ExternalID, at)
	var c *desk.Conversation
	var msgID int64
	cu, err := scanCustomer(scanFunc(func(customer ...any) error {
		var err error
		c, err = scanConversation(scanFunc(func(conv ...any) error {
			return row.Scan(append(customer, conv...)...)
		}), &msgID)
		return err
	}))
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	// What the usual path writes before threading, in the same
	// transaction: the contact's session window, the customer's activity
	// (to the minute) and a name the customer lacked, which the
	// conversation then shows.
	if err := s.touchWindowTx(ctx, tx, in, at); err != nil {
		return nil, err
	}
	if activityStale(cu.LastActivityAt, now) {
		if _, err := s.txExec(ctx, tx, qIngestTouchCustomer, at, int64(cu.ID)); err != nil {
			return nil, err
		}
		cu.LastActivityAt = &now
	}
	if in.Name != "" && cu.Name == "" {
		if err := s.fillNameTx(ctx, tx, cu, in.Name); err != nil {
			return nil, err
		}
		c.CustomerName = cu.Name
	}
	m.ID, m.ConversationID = desk.ID(msgID), c.ID
	res := &desk.IngestResult{Customer: cu, Conversation: c, Message: m}
	return res, s.ingestFilesTx(ctx, tx, in, m, now)
}
