package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// qIngestThreadContact is the usual inbound message in one statement where
// the database runs data-modifying WITH clauses (PostgreSQL): from a known
// contact, with an external ID not seen before, into the contact's
// customer's ongoing, not solved conversation. It finds the customer,
// checks the repeat, touches the conversation and, to the minute, the
// customer's last activity, stores the message and returns the customer
// (with its new activity), the conversation and the message's ID: what
// qIngestFindCustomer, qIngestThread and qIngestTouchCustomer did in up to
// three round trips. No row: anything else (an unknown contact, a repeat,
// no such conversation); it then wrote nothing, and the usual path runs
// from the start.
var qIngestThreadContact = `WITH f AS (SELECT customer_id FROM contacts WHERE channel = $5 AND address = $6
		AND NOT EXISTS (SELECT 1 FROM messages WHERE channel = $5 AND external_id = $8)),
	c AS (UPDATE conversations SET last_message_at = $9, last_customer_message_at = $9, updated_at = $9
		WHERE id = (SELECT id FROM conversations WHERE customer_id = (SELECT customer_id FROM f) AND status <> 'closed' ORDER BY id DESC LIMIT 1)
		AND status <> 'solved' RETURNING *),
	m AS (INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		SELECT c.id, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM c RETURNING id),
	a AS (UPDATE customers SET last_activity_at = $9 WHERE id = (SELECT customer_id FROM c)
		AND (last_activity_at IS NULL OR last_activity_at <= $9 - $10) RETURNING last_activity_at)
	SELECT cu.id, cu.name, cu.gender, cu.city, cu.country, cu.attributes, cu.tags, cu.contacts, cu.created_at, cu.updated_at,
	COALESCE((SELECT last_activity_at FROM a), cu.last_activity_at),
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
	res, err := s.threadContact(s.txRow(ctx, tx, qIngestThreadContact, threadContactArgs(in, at)...), in, now)
	if res == nil || err != nil {
		return nil, err
	}
	// What the usual path writes besides, in the same transaction: the
	// contact's session window and a name the customer lacked, which the
	// conversation then shows.
	if err := s.touchWindowTx(ctx, tx, in, at); err != nil {
		return nil, err
	}
	if in.Name != "" && res.Customer.Name == "" {
		if err := s.fillNameTx(ctx, tx, res.Customer, in.Name); err != nil {
			return nil, err
		}
		res.Conversation.CustomerName = res.Customer.Name
	}
	return res, s.ingestFilesTx(ctx, tx, in, res.Message, now)
}

// ingestThreadAlone ingests in with qIngestThreadContact alone, as a
// transaction of its own (a statement is atomic), when nothing else is to
// be written with it: no profile, email, thread references, name, files,
// nor session window of its channel. A lane's batch of one message then
// takes one round trip instead of BEGIN, the statement and COMMIT. It
// returns nil and no error when it does not apply or wrote nothing; ran
// says the statement ran (so, with no result, that it found nothing to
// thread to: the usual path need not ask again).
func (s *Conversations) ingestThreadAlone(ctx context.Context, in *desk.InboundMessage) (res *desk.IngestResult, ran bool, err error) {
	if !s.dialect.WritableCTE || len(in.Profile) > 0 || in.Email != "" || len(in.ThreadRefs) > 0 || in.Name != "" ||
		len(in.Attachments) > 0 || desk.CapabilitiesOf(in.Channel).SessionWindowHours != 0 {
		return nil, false, nil
	}
	now := s.now()
	res, err = s.threadContact(s.w.QueryRowContext(ctx, qIngestThreadContact, threadContactArgs(in, now.UnixMicro())...), in, now)
	return res, true, err
}

func threadContactArgs(in *desk.InboundMessage, at int64) []any {
	return []any{desk.KindMessage, desk.DirectionIn, in.Type, in.Text, in.Channel, in.From, in.To, in.ExternalID, at,
		customerActivityStep.Microseconds()}
}

// threadContact reads qIngestThreadContact's row: nil and no error when
// there is none.
func (s *Conversations) threadContact(row interface{ Scan(...any) error }, in *desk.InboundMessage, now time.Time) (*desk.IngestResult, error) {
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
	m := &desk.Message{ID: desk.ID(msgID), ConversationID: c.ID, Kind: desk.KindMessage, Direction: desk.DirectionIn, Type: in.Type,
		Text: in.Text, Channel: in.Channel, From: in.From, To: in.To, ExternalID: in.ExternalID, CreatedAt: now}
	return &desk.IngestResult{Customer: cu, Conversation: c, Message: m}, nil
}
