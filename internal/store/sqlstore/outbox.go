package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// enqueueSendTx adds the send job of a just-inserted outbound message to
// the outbox, in the message's transaction. The idempotency key is random
// plus the message ID, unique across databases and restores. With lease > 0
// the job is written already claimed by this node (see desk.SendDispatcher)
// and returned for dispatch after commit.
func (s *Conversations) enqueueSendTx(ctx context.Context, tx *sql.Tx, m *desk.Message, at int64, lease time.Duration) (*desk.SendJob, error) {
	prefix, lockedUntil, attempts := sendKeyPrefix(), int64(0), 0
	if lease > 0 {
		lockedUntil, attempts = at+lease.Microseconds(), 1
	}
	var id int64
	err := s.txRow(ctx, tx, qOutboxInsert, int64(m.ID), int64(m.Send.ChannelID), prefix+m.ID.String(), at, mustJSON(m.Send), lockedUntil, attempts).Scan(&id)
	if err != nil && (strings.Contains(err.Error(), "FOREIGN KEY") || isFKViolation(err)) {
		return nil, desk.FieldErrorf("channel_id", "unknown channel %s", m.Send.ChannelID)
	} else if err != nil {
		return nil, err
	}
	return sendJob(m, desk.ID(id), prefix, lockedUntil, attempts), nil
}

// sendKeyPrefix is the random part of a send's idempotency key, which the
// message ID ends.
func sendKeyPrefix() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "sb-" + hex.EncodeToString(b[:]) + "-"
}

// sendJob is the job of a just-queued reply m.
func sendJob(m *desk.Message, id desk.ID, prefix string, lockedUntil int64, attempts int) *desk.SendJob {
	j := &desk.SendJob{ID: id, MessageID: m.ID, ChannelID: m.Send.ChannelID, Attempts: attempts, Lease: lockedUntil,
		Message: desk.OutboundMessage{IdempotencyKey: prefix + m.ID.String(), Channel: m.Channel, From: m.From, To: m.To, Type: m.Type, Text: m.Text}}
	m.Send.Fill(&j.Message)
	return j
}

// qReplyInOne stores a plain reply where the database has writable CTEs
// (PostgreSQL): the message, its send job (whose idempotency key ends with
// the message's new ID) and the conversation's touch in one statement,
// one round trip instead of three inside the batch's transaction.
const qReplyInOne = `WITH m AS (
		INSERT INTO messages (conversation_id, kind, direction, type, text, channel, from_addr, to_addr, author_id, delivery_state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
	), o AS (
		INSERT INTO outbox (message_id, channel_id, idempotency_key, next_attempt_at, payload, locked_until, attempts, created_at, updated_at)
		SELECT id, $12, CAST($13 AS TEXT) || CAST(id AS TEXT), $11, $14, $15, $16, $11, $11 FROM m RETURNING id
	), c AS (
		UPDATE conversations SET last_message_at = $11, updated_at = $11 WHERE id = $1
	)
	SELECT m.id, o.id FROM m, o`

// replyInOneFits says whether createMessageTx writes m with replyInOneTx:
// a reply without files, on its conversation's own route and not by email
// (those write more rows), where the database runs data-modifying WITH.
func (s *Conversations) replyInOneFits(m *desk.Message, switched bool) bool {
	return s.dialect.WritableCTE && m.Kind == desk.KindMessage && m.Send != nil && len(m.Attachments) == 0 &&
		m.Channel != desk.ChannelEmail && !switched
}

// replyInOneTx is createMessageTx for a reply that replyInOneFits, in one
// statement (qReplyInOne), in tx or, given the store's writer pool, as a
// transaction of its own.
func (s *Conversations) replyInOneTx(ctx context.Context, tx interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, m *desk.Message, at int64, lease time.Duration) (*desk.SendJob, error) {
	prefix, lockedUntil, attempts := sendKeyPrefix(), int64(0), 0
	if lease > 0 {
		lockedUntil, attempts = at+lease.Microseconds(), 1
	}
	var id int64
	err := tx.QueryRowContext(ctx, qReplyInOne, int64(m.ConversationID), m.Kind, m.Direction, m.Type, m.Text, m.Channel, m.From, m.To,
		idArg(m.AuthorID), m.DeliveryState, at, int64(m.Send.ChannelID), prefix, mustJSON(m.Send), lockedUntil, attempts).Scan(&m.ID, &id)
	if err != nil && isFKViolation(err) && strings.Contains(err.Error(), "outbox_channel_id_fkey") {
		return nil, desk.FieldErrorf("channel_id", "unknown channel %s", m.Send.ChannelID)
	} else if err != nil {
		return nil, err
	}
	return sendJob(m, desk.ID(id), prefix, lockedUntil, attempts), nil
}

// isFKViolation recognizes PostgreSQL's foreign-key error by its SQLSTATE.
func isFKViolation(err error) bool {
	var sqlState interface{ SQLState() string }
	return errors.As(err, &sqlState) && sqlState.SQLState() == "23503"
}

// claimSQL is the one conditional UPDATE that leases up to $3 due jobs of
// a job table (outbox, media_jobs) until $1 at time $2, counting the
// attempt, and returns the given columns; PostgreSQL skips rows another
// claim has locked instead of waiting.
func (s *Conversations) claimSQL(table, returning string) string {
	skip := ""
	if s.dialect.Name == "postgres" {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	return `UPDATE ` + table + ` SET locked_until = $1, attempts = attempts + 1, updated_at = $2
		WHERE id IN (SELECT id FROM ` + table + ` WHERE state = 'pending' AND next_attempt_at <= $2 AND locked_until <= $2
			ORDER BY next_attempt_at, id LIMIT $3` + skip + `)
		RETURNING ` + returning
}

// ClaimSendJobs leases up to limit due jobs: one conditional UPDATE moves
// their lease forward, so two workers (or nodes) never hold a job at once;
// PostgreSQL skips rows another claim has locked instead of waiting.
func (s *Conversations) ClaimSendJobs(ctx context.Context, n int, lease time.Duration) ([]*desk.SendJob, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	now := s.now()
	var jobs []*desk.SendJob
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.claimSQL("outbox", "id, message_id, channel_id, idempotency_key, attempts, payload, sending_at"),
			micros(now.Add(lease)), micros(now), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		byMsg := map[desk.ID]*desk.SendJob{}
		for rows.Next() {
			j := &desk.SendJob{}
			var payload string
			var send desk.SendRequest
			var sendingAt int64
			if err := rows.Scan(&j.ID, &j.MessageID, &j.ChannelID, &j.Message.IdempotencyKey, &j.Attempts, &payload, &sendingAt); err != nil {
				return err
			}
			j.InDoubt, j.Lease = sendingAt != 0, micros(now.Add(lease))
			if err := scanJSON(payload, &send); err != nil {
				return err
			}
			send.Fill(&j.Message)
			jobs = append(jobs, j)
			byMsg[j.MessageID] = j
		}
		if err := rows.Err(); err != nil || len(jobs) == 0 {
			return err
		}
		rows.Close()
		return s.loadJobMessagesTx(ctx, tx, byMsg)
	})
	return jobs, err
}

// loadJobMessagesTx fills the jobs' outbound messages from their rows.
func (s *Conversations) loadJobMessagesTx(ctx context.Context, tx *sql.Tx, byMsg map[desk.ID]*desk.SendJob) error {
	var b strings.Builder
	args := make([]any, 0, len(byMsg))
	for id := range byMsg {
		if len(args) > 0 {
			b.WriteByte(',')
		}
		args = append(args, int64(id))
		b.WriteString("$" + itoa(len(args)))
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, channel, from_addr, to_addr, type, text FROM messages WHERE id IN (`+b.String()+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id desk.ID
		var m desk.OutboundMessage
		if err := rows.Scan(&id, &m.Channel, &m.From, &m.To, &m.Type, &m.Text); err != nil {
			return err
		}
		j := byMsg[id]
		// Keep what the payload filled; take the rest from the row.
		j.Message.Channel, j.Message.From, j.Message.To, j.Message.Type, j.Message.Text = m.Channel, m.From, m.To, m.Type, m.Text
	}
	return rows.Err()
}

// FinishSendJobs records outcomes in one transaction (workers batch them,
// so on SQLite many sends share a commit). If the batch fails, each outcome
// is written alone so one bad row cannot hold back the others.
func (s *Conversations) FinishSendJobs(ctx context.Context, outcomes []desk.SendOutcome) error {
	return s.JournalSendJobs(ctx, nil, outcomes)
}

// JournalSendJobs records outcomes and marks jobs as being sent in one
// transaction (see desk.OutboxService). If the batch fails, outcomes are
// written one by one; the marks then fail with it, and their jobs are not
// sent.
func (s *Conversations) JournalSendJobs(ctx context.Context, sending []desk.SendMark, outcomes []desk.SendOutcome) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	all := func(ctx context.Context, tx *sql.Tx) error {
		for _, o := range outcomes {
			if err := s.finishTx(ctx, tx, o); err != nil {
				return err
			}
		}
		if len(sending) > 0 {
			at := micros(s.now())
			for i := range sending {
				m := &sending[i]
				res, err := s.txExec(ctx, tx, qMarkSending, at, micros(m.Until), int64(m.JobID), m.Lease)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				m.Held = n == 1
				if m.Held && m.InDoubt {
					// Sent again after an attempt that may have reached
					// the provider: the agent is told.
					if _, err := tx.ExecContext(ctx, `UPDATE messages SET maybe_duplicate = $1 WHERE id = $2`, true, int64(m.MessageID)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	// One by one when the batch fails, so one bad outcome cannot hold up
	// the others.
	alone := func(ctx context.Context) error {
		err := s.inTx(ctx, func(tx *sql.Tx) error { return all(ctx, tx) })
		if err == nil || len(outcomes) <= 1 {
			return err
		}
		var errs []error
		for _, o := range outcomes {
			errs = append(errs, s.inTx(ctx, func(tx *sql.Tx) error { return s.finishTx(ctx, tx, o) }))
		}
		if len(sending) > 0 {
			errs = append(errs, errMarksLost) // their jobs must not be sent
			for i := range sending {
				sending[i].Held = false
			}
		}
		return errors.Join(errs...)
	}
	var err error
	if s.journalInOne(sending, outcomes) {
		// A statement that fails changed nothing: the batch is written
		// again as below.
		if err = s.journalOne(ctx, sending, outcomes); err != nil {
			err = alone(ctx)
		}
	} else if len(s.lanes) == 1 {
		// SQLite's one writer: the outcomes share the commit of the
		// replies and inbound messages queued meanwhile (group commit).
		err = s.lanes[0].do(ctx, all, alone)
	} else {
		err = alone(ctx)
	}
	var failed []desk.ID
	for _, o := range outcomes {
		if o.Result == desk.SendFailed {
			failed = append(failed, o.MessageID)
		}
	}
	if len(failed) > 0 {
		// A failure is news for the open thread and the row (issue 20);
		// sends that went out are not worth a frame each.
		s.publishMessageUpdates(ctx, failed...)
	}
	return err
}

// publishMessageUpdates tells the workspace that messages' delivery
// states moved, with their conversations' queues for routing the frames.
func (s *Conversations) publishMessageUpdates(ctx context.Context, ids ...desk.ID) {
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = int64(id), "$"+itoa(i+1)
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT m.id, m.conversation_id, c.queue_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return
	}
	defer rows.Close()
	var chs []desk.Change
	now := s.now()
	for rows.Next() {
		var m, c, q int64
		if rows.Scan(&m, &c, &q) == nil {
			chs = append(chs, desk.Change{Type: desk.ChangeMessageUpdated, ConversationID: desk.ID(c), MessageID: desk.ID(m), QueueID: desk.ID(q), At: now})
		}
	}
	s.publish(chs...)
}

// The statements recording a send's outcome, prepared on the writer (see
// hotWrites): every reply ends with one of them.
const (
	qFinishSent = `UPDATE outbox SET state = 'sent', locked_until = 0, updated_at = $1 WHERE id = $2`
	// A provider may answer with an external ID another message of the
	// channel already holds (a reused or echoed ID): the message keeps its
	// own ID then, and the send is still recorded as sent. Writing it would
	// break the unique (channel, external_id) index, fail the whole finish
	// and leave the job to be sent again when its lease ends, forever.
	qFinishSentMessage = `UPDATE messages SET external_id = CASE WHEN CAST($1 AS TEXT) IS NULL OR EXISTS (
			SELECT 1 FROM messages o WHERE o.channel = messages.channel AND o.external_id = CAST($1 AS TEXT) AND o.id <> messages.id)
		THEN external_id ELSE CAST($1 AS TEXT) END,
		delivery_state = CASE WHEN delivery_state IN ('', 'queued', 'failed') THEN 'sent' ELSE delivery_state END, failure_reason = ''
		WHERE id = $2`
	qFinishRetry  = `UPDATE outbox SET locked_until = 0, sending_at = 0, next_attempt_at = $1, last_error = $2, updated_at = $3 WHERE id = $4 AND state = 'pending'`
	qFinishFailed = `UPDATE outbox SET state = 'failed', locked_until = 0, sending_at = 0, last_error = $1, updated_at = $2 WHERE id = $3`
	// qMarkSending marks a job as being sent, committed before its
	// provider call.
	qMarkSending         = `UPDATE outbox SET sending_at = $1, locked_until = $2 WHERE id = $3 AND state = 'pending' AND locked_until = $4`
	qFinishFailedMessage = `UPDATE messages SET delivery_state = $1, failure_reason = $2 WHERE id = $3 AND delivery_state IN ('', 'queued')`
)

func (s *Conversations) finishTx(ctx context.Context, tx *sql.Tx, o desk.SendOutcome) error {
	at := micros(s.now())
	switch o.Result {
	case desk.SendSent:
		if _, err := s.txExec(ctx, tx, qFinishSent, at, int64(o.JobID)); err != nil {
			return err
		}
		var ext any
		if o.ExternalID != "" {
			ext = o.ExternalID
		}
		_, err := s.txExec(ctx, tx, qFinishSentMessage, ext, int64(o.MessageID))
		return err
	case desk.SendRetry:
		_, err := s.txExec(ctx, tx, qFinishRetry, micros(o.NextAttemptAt), o.Reason, at, int64(o.JobID))
		return err
	case desk.SendFailed:
		if _, err := s.txExec(ctx, tx, qFinishFailed, o.Reason, at, int64(o.JobID)); err != nil {
			return err
		}
		_, err := s.txExec(ctx, tx, qFinishFailedMessage, desk.DeliveryFailed, o.Reason, int64(o.MessageID))
		return err
	}
	return desk.Errorf(desk.EINVALID, "unknown send outcome %q", o.Result)
}

// errMarksLost tells a journal's caller its marks were not committed.
var errMarksLost = errors.New("outbox: marks not recorded")

// requireSystem allows only the server's own work.
func requireSystem(ctx context.Context) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	} else if !actor.System {
		return desk.Errorf(desk.EFORBIDDEN, "only the server may do this")
	}
	return nil
}
