package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The ingest statements, prepared once on the writer where the dialect
// prepares (see hotWrites).
const (
	qIngestDup             = `SELECT id, conversation_id FROM messages WHERE channel = $1 AND external_id = $2`
	qIngestContact         = `SELECT customer_id FROM contacts WHERE channel = $1 AND address = $2`
	qIngestNewCustomer     = `INSERT INTO customers (sort_name, created_at, updated_at, last_activity_at) VALUES ($1, $2, $2, $2) RETURNING id`
	qIngestNewContact      = `INSERT INTO contacts (channel, address, customer_id) VALUES ($1, $2, $3)`
	qIngestTouchCustomer   = `UPDATE customers SET last_activity_at = $1 WHERE id = $2`
	qIngestOngoing         = `SELECT id, status FROM conversations WHERE customer_id = $1 AND status <> 'closed' ORDER BY id DESC LIMIT 1`
	qIngestNewConversation = `INSERT INTO conversations (channel, customer_id, status, priority, queue_id, contact_address, sender_address,
		created_at, updated_at, last_message_at, last_customer_message_at) VALUES ($1, $2, 'open', 'normal', $3, $4, $5, $6, $6, $6, $6) RETURNING id`
	qIngestTouchConversation = `UPDATE conversations SET last_message_at = $1, last_customer_message_at = $1, updated_at = $1,
		status = CASE WHEN status = 'solved' THEN 'open' ELSE status END WHERE id = $2`
	qIngestMessage = `INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		VALUES ($1, 'message', 'in', $2, $3, $4, $5, $6, $7, $8) RETURNING id`
)

// hotWrites are the statements prepared on the writer connection up front.
var hotWrites = []string{
	qIngestDup, qIngestContact, qIngestNewCustomer, qIngestNewContact, qIngestTouchCustomer, qIngestOngoing, qIngestNewConversation, qIngestTouchConversation, qIngestMessage, qInsertEvent,
}

// IngestMessage stores an inbound customer message in one transaction (C5):
// idempotent on (channel, external ID); finds or creates the customer by
// contact; threads into the customer's ongoing conversation or opens one;
// reopens a solved conversation. It is the API channel's hot path, so it
// runs a handful of indexed statements and builds the result from what it
// wrote.
func (s *Store) IngestMessage(ctx context.Context, in *desk.InboundMessage) (*desk.IngestResult, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "only the server ingests inbound messages")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	queueID := in.QueueID
	if queueID == 0 {
		queueID = s.defaultQueue
	}
	res := &desk.IngestResult{}
	var msgID, convID, custID desk.ID
	ingest := func(tx *sql.Tx) error {
		*res = desk.IngestResult{}
		err := s.txRow(ctx, tx, qIngestDup, in.Channel, in.ExternalID).Scan(&msgID, &convID)
		if err == nil {
			res.Duplicate = true
			return nil
		} else if !isNoRows(err) {
			return err
		}
		now := micros(s.now())
		err = s.txRow(ctx, tx, qIngestContact, in.Channel, in.From).Scan(&custID)
		if isNoRows(err) {
			res.NewCustomer = true
			if err := s.txRow(ctx, tx, qIngestNewCustomer,
				in.From, now).Scan(&custID); err != nil {
				return err
			}
			if _, err := s.txExec(ctx, tx, qIngestNewContact, in.Channel, in.From, int64(custID)); err != nil {
				return err
			}
		} else if err != nil {
			return err
		} else if _, err := s.txExec(ctx, tx, qIngestTouchCustomer, now, int64(custID)); err != nil {
			// On PostgreSQL this UPDATE also locks the customer's row, so two
			// messages of one customer cannot both open a conversation.
			return err
		}

		var status string
		err = s.txRow(ctx, tx, qIngestOngoing, int64(custID)).Scan(&convID, &status)
		if isNoRows(err) {
			res.NewConversation = true
			if err := s.txRow(ctx, tx, qIngestNewConversation,
				in.Channel, int64(custID), int64(queueID), in.From, in.To, now).Scan(&convID); err != nil {
				return err
			}
			if err := s.insertEventTx(ctx, tx, convID, desk.EventCreated, desk.SystemActor, now, map[string]any{"channel": in.Channel, "queue_id": queueID.String()}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		} else {
			if _, err := s.txExec(ctx, tx, qIngestTouchConversation, now, int64(convID)); err != nil {
				return err
			}
			if status == desk.ConversationSolved {
				if err := s.insertEventTx(ctx, tx, convID, desk.EventReopened, desk.SystemActor, now, map[string]any{"reason": "customer message"}); err != nil {
					return err
				}
			}
		}
		return s.txRow(ctx, tx, qIngestMessage,
			int64(convID), in.Type, in.Text, in.Channel, in.From, in.To, in.ExternalID, now).Scan(&msgID)
	}
	// With several writers (PostgreSQL) a concurrent first message of the
	// same customer or a concurrent repeat of the same external ID loses on a
	// unique index; running again finds the winner's rows.
	for attempt := 0; ; attempt++ {
		err = s.inTx(ctx, ingest)
		if err == nil || attempt == 3 || !s.dialect.IsUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if res.Message, err = scanMessage(s.rd.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, int64(msgID))); err != nil {
		return nil, err
	}
	if res.Conversation, err = s.findConversation(ctx, s.rd, desk.SystemActor, res.Message.ConversationID); err != nil {
		return nil, err
	}
	if res.Conversation.CustomerID != 0 {
		if res.Customer, err = s.FindCustomerByID(ctx, res.Conversation.CustomerID); err != nil {
			return nil, err
		}
	}
	return res, nil
}
