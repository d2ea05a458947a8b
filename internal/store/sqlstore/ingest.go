package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/trace"
)

// The ingest statements. Where the dialect prepares they are prepared once
// on the writer (see hotWrites), so the hot path parses no SQL.
const (
	qIngestDup = `SELECT id FROM messages WHERE channel = $1 AND external_id = $2`
	// qIngestFindCustomer finds the owner of a contact address. It also
	// answers whether the message was seen before, so the usual case (a
	// known customer, a new message) takes one statement.
	qIngestFindCustomer = `SELECT ` + customerColumns + `, (SELECT id FROM messages WHERE channel = $1 AND external_id = $3) FROM customers
		WHERE id = (SELECT customer_id FROM contacts WHERE channel = $1 AND address = $2)`
	// qIngestLockCustomer locks a customer's row where the database has
	// several writers, before a message opens a conversation for them: two
	// messages of one customer cannot both open one.
	qIngestLockCustomer  = `SELECT id FROM customers WHERE id = $1 FOR UPDATE`
	qIngestTouchCustomer = `UPDATE customers SET last_activity_at = $1 WHERE id = $2`
	qIngestNewCustomer   = `INSERT INTO customers (sort_name, contacts, search_terms, created_at, updated_at, last_activity_at) VALUES ($1, $2, $3, $4, $4, $4) RETURNING id`
	qIngestNewContact    = `INSERT INTO contacts (channel, address, customer_id) VALUES ($1, $2, $3)`
	// qIngestOngoing and qIngestOngoingContact find the conversation a
	// message threads into (C5): the customer's ongoing one, else the one
	// ongoing with the contact and sender (C4; linked to another customer,
	// or to none). Two statements, each answered by an index
	// (conversations_ongoing, conversations_one_ongoing): one statement
	// with OR scanned every open conversation, a message at a time.
	qIngestOngoing        = conversationSelect + conversationFrom + ` WHERE c.customer_id = $1 AND c.status <> 'closed' ORDER BY c.id DESC LIMIT 1`
	qIngestOngoingContact = conversationSelect + conversationFrom + ` WHERE c.channel = $1 AND c.contact_address = $2 AND c.sender_address = $3
		AND c.contact_address <> '' AND c.status <> 'closed' ORDER BY c.id DESC LIMIT 1`
	qIngestQueueName = `SELECT name, bot_url <> '' FROM queues WHERE id = $1`
	qIngestNewConv   = `INSERT INTO conversations (channel, customer_id, status, priority, queue_id, contact_address, sender_address, topic,
		created_at, updated_at, last_message_at, last_customer_message_at, waiting_since, bot, subject) VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8, $8, $8, $8, $8, $10, $11) RETURNING id`
	qIngestTouchConv = `UPDATE conversations SET last_message_at = $1, last_customer_message_at = $1, updated_at = $1, status = $2 WHERE id = $3`
	// qIngestTouchTimes touches a conversation whose status stays: no
	// trigger watches these columns.
	qIngestTouchTimes = `UPDATE conversations SET last_message_at = $1, last_customer_message_at = $1, updated_at = $1 WHERE id = $2`
	// qIngestTouchAndMessage is qIngestTouchConv and qIngestMessage in one
	// statement, where the database runs data-modifying WITH clauses.
	qIngestTouchAndMessage = `WITH touched AS (UPDATE conversations SET last_message_at = $10, last_customer_message_at = $10, updated_at = $10 WHERE id = $1)
		INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
	// qIngestThread threads a message into the customer's ongoing, not
	// solved conversation in one statement where the database runs
	// data-modifying WITH clauses: finds and touches the conversation,
	// stores the message, and returns the conversation with the message's
	// ID. No row: there is none (or it is solved), and the usual path runs.
	qIngestThread = `WITH c AS (
		UPDATE conversations SET last_message_at = $10, last_customer_message_at = $10, updated_at = $10
		WHERE id = (SELECT id FROM conversations WHERE customer_id = $1 AND status <> 'closed' ORDER BY id DESC LIMIT 1) AND status <> 'solved'
		RETURNING *),
	m AS (INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		SELECT c.id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM c RETURNING id)
	` + conversationSelect + `, (SELECT id FROM m) FROM c
	JOIN queues q ON q.id = c.queue_id
	LEFT JOIN customers cu ON cu.id = c.customer_id
	LEFT JOIN agents a ON a.id = c.assignee_id`
	// qIngestTouchOngoing is qIngestThread's first half where the
	// database has no data-modifying WITH but has RETURNING (SQLite):
	// finds and touches the customer's ongoing, not solved conversation and
	// returns it (the names by subquery: RETURNING reads one table). One
	// statement instead of the lookup and the touch; the message is then
	// inserted by qIngestMessage. It moves row_version itself: an UPDATE
	// that sets it keeps the conversations_row_version trigger (migration
	// 300) from rewriting the row, and the four list indexes that hold
	// row_version (420), a second time in a nested statement.
	qIngestTouchOngoing = `UPDATE conversations SET last_message_at = $1, last_customer_message_at = $1, updated_at = $1, row_version = row_version + 1
		WHERE id = (SELECT id FROM conversations WHERE customer_id = $2 AND status <> 'closed' ORDER BY id DESC LIMIT 1) AND status <> 'solved'
		RETURNING id, channel, customer_id, status, priority, topic, summary,
		queue_id, assignee_id, contact_address, sender_address, merged_into_id,
		created_at, updated_at, last_message_at, last_customer_message_at, closed_at, tags,
		subject, cc, bcc, COALESCE(NULLIF((SELECT cu.name FROM customers cu WHERE cu.id = conversations.customer_id), ''), contact_address),
		(SELECT q.name FROM queues q WHERE q.id = conversations.queue_id),
		COALESCE((SELECT a.name FROM agents a WHERE a.id = conversations.assignee_id), ''), COALESCE(bot, ''),
		form_id, form_values, linked_id, survey_sent_at, survey_rating, survey_answered_at`
	qIngestMessage = `INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
	// qIngestMessageRow is qIngestMessage for a driver that reports the
	// new row's ID (Dialect.LastInsertID).
	qIngestMessageRow = `INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, external_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
)

// hotWrites are the statements prepared on the writer connection up front.
var hotWrites = []string{
	qIngestDup, qIngestFindCustomer, qIngestTouchCustomer, qIngestNewCustomer, qIngestNewContact, qIngestOngoing, qIngestOngoingContact,
	qIngestQueueName, qIngestNewConv, qIngestTouchConv, qIngestTouchTimes, qIngestTouchOngoing, qIngestMessage, qIngestMessageRow, qInsertEvent,
	qReplyMessage, qReplyTouchNote, qReplyTouchConv, qReplySwitchConv, qOutboxInsert,
	qFinishSent, qFinishSentMessage, qFinishRetry, qFinishFailed, qFinishFailedMessage, qMarkSending,
}

// IngestMessage stores an inbound customer message in one transaction (C5):
// idempotent on (channel, external ID); finds or creates the customer by
// contact; threads into the customer's ongoing conversation or opens one;
// reopens a solved conversation. It is the API channel's hot path: a few
// indexed, prepared statements, the result built from what they read and
// wrote, and on a single-writer database concurrent calls share one commit
// (see ingestBatcher).
func (s *Conversations) IngestMessage(ctx context.Context, in *desk.InboundMessage) (*desk.IngestResult, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "only the server ingests inbound messages")
	}
	if err := keyInbound(in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	ctx, span := trace.Start(ctx, "store.ingest")
	defer span.End()
	// How the sender's address is shown, should the message open a
	// conversation: formatting a phone number is costly (libphonenumber),
	// so it is done here, by each caller, not by the single writer.
	display := displayAddress(in.Channel, in.From)
	var res *desk.IngestResult
	if len(s.lanes) > 0 {
		res, err = s.lanes[laneOf(in, len(s.lanes))].ingest(ctx, in, display)
	} else {
		res, err = s.ingestAlone(ctx, in, display)
	}
	if err != nil {
		return nil, err
	}
	if len(s.lanes) == 0 {
		s.publishIngest(res, trace.Parent(ctx)) // the lanes publish on commit
	}
	return res, nil
}

// publishIngest tells of a committed ingest: the new conversation, if it
// opened one, and the message.
func (s *Conversations) publishIngest(res *desk.IngestResult, traceParent string) {
	if res.Duplicate {
		return
	}
	msg := s.conversationChange(desk.ChangeMessageCreated, res.Conversation)
	msg.MessageID, msg.Direction, msg.Kind, msg.Trace = res.Message.ID, desk.DirectionIn, desk.KindMessage, traceParent
	msg.Reopened = res.Reopened
	if res.NewConversation {
		created := s.conversationChange(desk.ChangeConversationCreated, res.Conversation)
		created.Trace = traceParent
		s.publish(created, msg)
	} else {
		s.publish(msg)
	}
}

// ingestAlone ingests one message in its own transaction. With several
// writers (PostgreSQL) a concurrent first message of the same customer, or a
// concurrent repeat of the same external ID, loses on a unique index;
// running again finds the winner's rows.
func (s *Conversations) ingestAlone(ctx context.Context, in *desk.InboundMessage, display string) (*desk.IngestResult, error) {
	var res *desk.IngestResult
	var err error
	for attempt := 0; ; attempt++ {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			res, err = s.ingestTx(ctx, tx, in, display, false)
			return err
		})
		if err == nil || attempt == 3 || !s.retryable(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ingestTx does the work of IngestMessage inside tx; display is how the
// sender's address is shown (displayAddress). threadMissed says the
// one-statement thread (ingestThreadAlone) just found nothing to thread
// to, so it is not asked again here (asking again is correct, only slower).
func (s *Conversations) ingestTx(ctx context.Context, tx *sql.Tx, in *desk.InboundMessage, display string, threadMissed bool) (*desk.IngestResult, error) {
	if !threadMissed {
		if res, err := s.ingestThreadTx(ctx, tx, in); res != nil || err != nil {
			return res, err
		}
	}
	var seen sql.NullInt64
	cu, err := scanCustomer(s.txRow(ctx, tx, qIngestFindCustomer, in.Channel, in.From, in.ExternalID), &seen)
	if isNoRows(err) {
		// An unknown sender may still repeat a stored message (its contact
		// removed from the customer since).
		if err := s.txRow(ctx, tx, qIngestDup, in.Channel, in.ExternalID).Scan(&seen); err != nil && !isNoRows(err) {
			return nil, err
		}
	}
	if seen.Valid {
		return s.duplicateTx(ctx, tx, desk.ID(seen.Int64))
	}
	res := &desk.IngestResult{}
	now := s.now()
	at := micros(now)
	if err := s.touchWindowTx(ctx, tx, in, at); err != nil {
		return nil, err
	}
	if err == nil && activityStale(cu.LastActivityAt, now) {
		if _, err := s.txExec(ctx, tx, qIngestTouchCustomer, at, int64(cu.ID)); err != nil {
			return nil, err
		}
		cu.LastActivityAt = &now
	}
	if isNoRows(err) {
		res.NewCustomer = true
		cu = &desk.Customer{Attributes: map[string]string{}, Tags: []string{},
			Contacts: []desk.Contact{{Channel: in.Channel, Address: in.From}}, CreatedAt: now, UpdatedAt: now, LastActivityAt: &now}
		if err := s.txRow(ctx, tx, qIngestNewCustomer, sortName(cu), mustJSON(cu.Contacts), search.CustomerTerms("", cu.Contacts), at).Scan(&cu.ID); err != nil {
			return nil, err
		}
		if _, err := s.txExec(ctx, tx, qIngestNewContact, in.Channel, in.From, int64(cu.ID)); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if in.Name != "" && cu.Name == "" {
		if err := s.fillNameTx(ctx, tx, cu, in.Name); err != nil {
			return nil, err
		}
	}
	if len(in.Profile) > 0 {
		if err := s.fillProfileTx(ctx, tx, cu, in.Profile); err != nil {
			return nil, err
		}
	}
	if in.Email != "" {
		if err := s.adoptEmailTx(ctx, tx, cu, in.Email); err != nil {
			return nil, err
		}
	}
	res.Customer = cu

	var c *desk.Conversation
	insertMessage := qIngestMessage
	if len(in.ThreadRefs) > 0 {
		c, err = s.threadByRefsTx(ctx, tx, in.ThreadRefs)
		if err != nil {
			return nil, err
		}
	}
	if c == nil && s.dialect.WritableCTE && !res.NewCustomer {
		m := &desk.Message{Kind: desk.KindMessage, Direction: desk.DirectionIn, Type: in.Type, Text: in.Text,
			Channel: in.Channel, From: in.From, To: in.To, ExternalID: in.ExternalID, CreatedAt: now}
		var msgID int64
		c, err := scanConversation(s.txRow(ctx, tx, qIngestThread, int64(cu.ID), m.Kind, m.Direction, m.Type, m.Text, m.Channel,
			m.From, m.To, m.ExternalID, at), &msgID)
		if err == nil {
			m.ID, m.ConversationID = desk.ID(msgID), c.ID
			res.Conversation, res.Message = c, m
			return res, s.ingestFilesTx(ctx, tx, in, m, now)
		} else if !isNoRows(err) {
			return nil, err
		}
	}
	touched := false
	if c == nil && !s.dialect.WritableCTE && !res.NewCustomer {
		c, err = scanConversation(s.txRow(ctx, tx, qIngestTouchOngoing, at, int64(cu.ID)))
		if err == nil {
			touched = true
		} else if isNoRows(err) {
			c = nil
		} else {
			return nil, err
		}
	}
	if c == nil {
		c, err = s.ongoingForTx(ctx, tx, cu.ID, in, res.NewCustomer)
		if isNoRows(err) && s.dialect.RowLocks && !res.NewCustomer {
			// About to open one: lock the customer, then look again (a
			// message of theirs on another lane may have just opened it).
			// Threading into an ongoing conversation, the usual case,
			// takes no lock.
			if _, err := s.txExec(ctx, tx, qIngestLockCustomer, int64(cu.ID)); err != nil {
				return nil, err
			}
			c, err = s.ongoingForTx(ctx, tx, cu.ID, in, false)
		}
	}
	if isNoRows(err) {
		if c, err = s.openConversationTx(ctx, tx, in, cu, now, display); err != nil {
			return nil, err
		}
		res.NewConversation = true
	} else if err != nil {
		return nil, err
	} else if !touched {
		reopen := c.Status == desk.ConversationSolved
		if reopen {
			c.Status = desk.ConversationOpen
			res.Reopened = true
		}
		if reopen {
			if _, err := s.txExec(ctx, tx, qIngestTouchConv, at, c.Status, int64(c.ID)); err != nil {
				return nil, err
			}
		} else if !s.dialect.WritableCTE {
			// The times only: writing status (unchanged) would run the
			// conversations' status triggers, and a statement with
			// triggers keeps a statement journal of every page it writes.
			if _, err := s.txExec(ctx, tx, qIngestTouchTimes, at, int64(c.ID)); err != nil {
				return nil, err
			}
		} else {
			insertMessage = qIngestTouchAndMessage // touches it while storing the message
		}
		if reopen && c.AssigneeID != nil {
			if err := s.refreshLoadTx(ctx, tx, c.AssigneeID); err != nil {
				return nil, err
			}
		}
		if reopen {
			if err := s.insertEventTx(ctx, tx, c.ID, desk.EventReopened, desk.SystemActor, at,
				map[string]any{"from": desk.ConversationSolved, "to": desk.ConversationOpen, "reason": "customer message"}); err != nil {
				return nil, err
			}
		}
	}
	if !res.NewConversation {
		c.UpdatedAt, c.LastMessageAt, c.LastCustomerMessageAt = now, &now, &now
	}
	res.Conversation = c

	m := &desk.Message{ConversationID: c.ID, Kind: desk.KindMessage, Direction: desk.DirectionIn, Type: in.Type, Text: in.Text,
		Channel: in.Channel, From: in.From, To: in.To, ExternalID: in.ExternalID, CreatedAt: now}
	if insertMessage == qIngestMessage && s.dialect.LastInsertID {
		r, err := s.txExec(ctx, tx, qIngestMessageRow, int64(c.ID), m.Kind, m.Direction, m.Type, m.Text, m.Channel, m.From, m.To,
			m.ExternalID, at)
		if err != nil {
			return nil, err
		}
		id, err := r.LastInsertId()
		if err != nil {
			return nil, err
		}
		m.ID = desk.ID(id)
	} else if err := s.txRow(ctx, tx, insertMessage, int64(c.ID), m.Kind, m.Direction, m.Type, m.Text, m.Channel, m.From, m.To,
		m.ExternalID, at).Scan(&m.ID); err != nil {
		return nil, err
	}
	if err := s.ingestFilesTx(ctx, tx, in, m, now); err != nil {
		return nil, err
	}
	res.Message = m
	return res, nil
}

// ingestFilesTx records the files the server stored, refused or left
// pending before ingesting (issue 5), with a media job for each pending
// one, in the message's transaction.
func (s *Conversations) ingestFilesTx(ctx context.Context, tx *sql.Tx, in *desk.InboundMessage, m *desk.Message, now time.Time) error {
	if len(in.Attachments) == 0 {
		return nil
	}
	m.Attachments = append([]desk.Attachment(nil), in.Attachments...)
	for i := range m.Attachments {
		a := &m.Attachments[i]
		a.Content = nil
		if a.Pending && in.ChannelID == 0 {
			// No channel to fetch it again through.
			a.Pending, a.Refused = false, "media_unavailable"
		}
	}
	if err := s.insertAttachmentsTx(ctx, tx, m, now); err != nil {
		return err
	}
	return s.enqueueMediaTx(ctx, tx, in, m, now)
}

// openConversationTx opens the conversation of a customer's first message
// (or first after a close): open, normal priority, in the queue routing
// chose or the Default queue, with a created event. display is how the
// sender's address is shown (displayAddress of in.From).
func (s *Conversations) openConversationTx(ctx context.Context, tx *sql.Tx, in *desk.InboundMessage, cu *desk.Customer, now time.Time, display string) (*desk.Conversation, error) {
	queueID := in.QueueID
	if queueID == 0 {
		queueID = s.defaultQueue
	}
	c := &desk.Conversation{Channel: in.Channel, CustomerID: cu.ID, Status: desk.ConversationOpen, Priority: desk.PriorityNormal,
		Tags: []string{}, CC: []string{}, BCC: []string{}, QueueID: queueID, ContactAddress: in.From, SenderAddress: in.To, Topic: topicOf(in.Subject), Subject: topicOf(in.Subject), CreatedAt: now, UpdatedAt: now,
		LastMessageAt: &now, LastCustomerMessageAt: &now, CustomerName: cu.Name}
	c.ContactDisplay = display
	if c.CustomerName == "" {
		c.CustomerName = c.ContactDisplay
	}
	var hasBot bool
	if err := s.txRow(ctx, tx, qIngestQueueName, int64(queueID)).Scan(&c.QueueName, &hasBot); isNoRows(err) {
		return nil, desk.FieldErrorf("queue_id", "unknown queue %s", queueID)
	} else if err != nil {
		return nil, err
	}
	at := micros(now)
	// A queue with a bot hands the conversation to it first (C6).
	var bot any
	if hasBot {
		c.Bot, bot = desk.QueueBot, desk.QueueBot
	}
	if err := s.txRow(ctx, tx, qIngestNewConv, c.Channel, int64(c.CustomerID), c.Status, c.Priority, int64(c.QueueID),
		c.ContactAddress, c.SenderAddress, at, c.Topic, bot, c.Subject).Scan(&c.ID); err != nil {
		return nil, err
	}
	err := s.insertEventTx(ctx, tx, c.ID, desk.EventCreated, desk.SystemActor, at, map[string]any{"channel": c.Channel, "queue_id": c.QueueID.String()})
	return c, err
}

// duplicateTx answers a repeated external ID with the original message,
// its conversation and customer, changing nothing.
func (s *Conversations) duplicateTx(ctx context.Context, tx *sql.Tx, msgID desk.ID) (*desk.IngestResult, error) {
	res := &desk.IngestResult{Duplicate: true}
	var err error
	if res.Message, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, int64(msgID))); err != nil {
		return nil, err
	}
	if res.Conversation, err = s.findConversation(ctx, tx, desk.SystemActor, res.Message.ConversationID); err != nil {
		return nil, err
	}
	if res.Conversation.CustomerID != 0 {
		res.Customer, err = scanCustomer(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, int64(res.Conversation.CustomerID)))
	}
	return res, err
}

// customerActivityStep is the precision of a customer's last activity: a
// message moves it only when it is older than this, which spares the
// customer's row (and its page in the log) a write on every message of a
// conversation in full flow. Conversations keep their exact times.
const customerActivityStep = time.Minute

func activityStale(last *time.Time, now time.Time) bool {
	return last == nil || now.Sub(*last) >= customerActivityStep
}

// topicOf makes an email subject a conversation topic: reply and forward
// prefixes dropped, at most 500 bytes.
func topicOf(subject string) string {
	t := strings.TrimSpace(subject)
	for cut := true; cut; {
		cut = false
		for _, p := range []string{"re:", "fwd:", "fw:", "aw:", "wg:", "sv:"} {
			if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
				t, cut = strings.TrimSpace(t[len(p):]), true
				break
			}
		}
	}
	if len(t) > 500 {
		t = strings.ToValidUTF8(t[:500], "")
	}
	return t
}

// keyInbound keys the numbers of an inbound message (issue 16): the server
// keyed them with the channel's country already; keying again changes no
// key, and catches a caller that did not.
func keyInbound(in *desk.InboundMessage) error {
	if !desk.ValidChannel(in.Channel) {
		return nil // Validate names it
	}
	pc := phone.ForChannel(in.Channel, "", "")
	from, err := phone.Address("from", in.Channel, in.From, pc)
	if err != nil {
		return err
	}
	in.From, in.To = from, phone.Sender(in.Channel, in.To, pc)
	return nil
}

// fillNameTx gives an unknown customer the name the provider sent (a
// WhatsApp profile name, an email's display name, a Viber sender name):
// only while the customer has none, so a name an agent set is never
// overwritten (issue 16).
func (s *Conversations) fillNameTx(ctx context.Context, tx *sql.Tx, cu *desk.Customer, name string) error {
	cu.Name = name
	_, err := tx.ExecContext(ctx, `UPDATE customers SET name = $1, sort_name = $2, search_terms = $3 WHERE id = $4 AND name = ''`,
		name, sortName(cu), search.CustomerTerms(name, cu.Contacts), int64(cu.ID))
	return err
}

// ongoingForTx is the ongoing conversation an inbound message threads
// into: the customer's, else the one ongoing with its contact and sender.
// A customer created in this transaction (newCustomer) has none of their
// own, so only the contact's is looked for: a statement fewer for every
// first message.
func (s *Conversations) ongoingForTx(ctx context.Context, tx *sql.Tx, customer desk.ID, in *desk.InboundMessage, newCustomer bool) (*desk.Conversation, error) {
	var c *desk.Conversation
	err := sql.ErrNoRows
	if !newCustomer {
		c, err = scanConversation(s.txRow(ctx, tx, qIngestOngoing, int64(customer)))
	}
	if isNoRows(err) && in.From != "" {
		c, err = scanConversation(s.txRow(ctx, tx, qIngestOngoingContact, in.Channel, in.From, in.To))
	}
	return c, err
}

// fillProfileTx fills the customer's attributes a provider's profile
// names (issue 16: a Viber avatar, a language) where they are empty,
// never overwriting what an agent set; nothing is written when nothing is
// new, so a provider repeating its profile on every message costs no write.
func (s *Conversations) fillProfileTx(ctx context.Context, tx *sql.Tx, cu *desk.Customer, profile map[string]string) error {
	changed := false
	for k, v := range profile {
		v = strings.TrimSpace(v)
		if k == "" || v == "" || cu.Attributes[k] != "" {
			continue
		}
		if cu.Attributes == nil {
			cu.Attributes = map[string]string{}
		}
		cu.Attributes[k], changed = v, true
	}
	if !changed {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE customers SET attributes = $1 WHERE id = $2`, mustJSON(cu.Attributes), int64(cu.ID))
	return err
}

// adoptEmailTx gives the customer an email address they gave (Live Chat's
// pre-chat form) as a contact, unless they have it or another customer
// owns it: a typed address never takes over someone else's.
func (s *Conversations) adoptEmailTx(ctx context.Context, tx *sql.Tx, cu *desk.Customer, email string) error {
	for _, ct := range cu.Contacts {
		if ct.Channel == desk.ChannelEmail && ct.Address == email {
			return nil
		}
	}
	var owner int64
	err := tx.QueryRowContext(ctx, `SELECT customer_id FROM contacts WHERE channel = $1 AND address = $2`, desk.ChannelEmail, email).Scan(&owner)
	if err == nil || !isNoRows(err) {
		return err
	}
	cu.Contacts = append(cu.Contacts, desk.Contact{Channel: desk.ChannelEmail, Address: email})
	if err := s.writeCustomerPartsTx(ctx, tx, cu); err != nil {
		return err
	}
	fillDisplay(cu)
	return nil
}
