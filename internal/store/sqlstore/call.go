package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// qSaveCall upserts a call; a record without a recording keeps the one
// already stored.
const qSaveCall = `INSERT INTO calls (id, conversation_id, direction, state, agent_id, queue_id, created_at, answered_at, ended_at, hold_seconds, recording)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
	ON CONFLICT (id) DO UPDATE SET state = excluded.state, agent_id = excluded.agent_id, queue_id = excluded.queue_id,
		answered_at = excluded.answered_at, ended_at = excluded.ended_at, hold_seconds = excluded.hold_seconds,
		recording = CASE WHEN excluded.recording <> '' THEN excluded.recording ELSE calls.recording END`

// SaveCall inserts or updates a call record (system only).
func (s *Conversations) SaveCall(ctx context.Context, c *desk.CallRecord) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, qSaveCall, c.ID, int64(c.ConversationID), c.Direction, c.State, idArg(c.AgentID),
			int64(c.QueueID), micros(c.CreatedAt), timeArg(c.AnsweredAt), timeArg(c.EndedAt), c.HoldSeconds, c.Recording)
		return err
	})
}

const callColumns = `id, conversation_id, direction, state, agent_id, queue_id, created_at, answered_at, ended_at, hold_seconds, recording`

// scanCall reads one row of callColumns.
func scanCall(row interface{ Scan(...any) error }) (*desk.CallRecord, error) {
	var c desk.CallRecord
	var agent, answered, ended sql.NullInt64
	var created int64
	if err := row.Scan(&c.ID, &c.ConversationID, &c.Direction, &c.State, &agent, &c.QueueID, &created,
		&answered, &ended, &c.HoldSeconds, &c.Recording); err != nil {
		return nil, err
	}
	c.AgentID, c.CreatedAt, c.AnsweredAt, c.EndedAt = nullID(agent), fromMicros(created), nullTime(answered), nullTime(ended)
	return &c, nil
}

// FindCallByID returns a call whose conversation the actor may see.
func (s *Conversations) FindCallByID(ctx context.Context, id string) (*desk.CallRecord, error) {
	c, err := scanCall(s.rd.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE id = $1`, id))
	if isNoRows(err) {
		return nil, notFound("call")
	} else if err != nil {
		return nil, err
	}
	if _, err := s.FindConversationByID(ctx, c.ConversationID); err != nil {
		return nil, notFound("call")
	}
	return c, nil
}

// FindLiveCalls returns the calls not ended, oldest first (system only),
// through the calls_live partial index.
func (s *Conversations) FindLiveCalls(ctx context.Context) ([]*desk.CallRecord, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT `+callColumns+` FROM calls WHERE state <> 'ended' ORDER BY created_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*desk.CallRecord
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// EndCall marks a live call ended (system only); the conditional update
// lets exactly one of several sweeping nodes win.
func (s *Conversations) EndCall(ctx context.Context, id string, at time.Time) (*desk.CallRecord, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	var before *desk.CallRecord
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanCall(tx.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE id = $1`, id))
		if isNoRows(err) {
			return notFound("call")
		} else if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE calls SET state = 'ended', ended_at = $2 WHERE id = $1 AND state <> 'ended'`, id, micros(at))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return desk.Errorf(desk.ECONFLICT, "the call has ended already")
		}
		before = c
		return nil
	})
	return before, err
}

// RecordCallEvent appends a call event to a conversation's timeline and
// announces it to the conversation's watchers (system only).
func (s *Conversations) RecordCallEvent(ctx context.Context, conversationID desk.ID, data map[string]any) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	now := s.now()
	var queueID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT queue_id FROM conversations WHERE id = $1`, int64(conversationID)).Scan(&queueID); isNoRows(err) {
			return notFound("conversation")
		} else if err != nil {
			return err
		}
		return s.insertEventTx(ctx, tx, conversationID, desk.EventCall, desk.SystemActor, micros(now), data)
	})
	if err != nil {
		return err
	}
	s.publish(desk.Change{Type: desk.ChangeCallEvent, ConversationID: conversationID, QueueID: desk.ID(queueID), At: now})
	return nil
}

// timeArg turns an optional time into a query argument.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micros(*t)
}

// FindWrapUps returns the agents wrapping up with their latest call
// (system only).
func (s *Conversations) FindWrapUps(ctx context.Context) ([]desk.AgentCall, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT a.id, c.id, c.conversation_id FROM agents a
		LEFT JOIN calls c ON c.id = (SELECT l.id FROM calls l WHERE l.agent_id = a.id ORDER BY l.created_at DESC, l.id DESC LIMIT 1)
		WHERE a.call_state = 'wrap_up' ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []desk.AgentCall
	for rows.Next() {
		var ac desk.AgentCall
		var callID sql.NullString
		var conv sql.NullInt64
		if err := rows.Scan(&ac.AgentID, &callID, &conv); err != nil {
			return nil, err
		}
		ac.CallID, ac.ConversationID = callID.String, desk.ID(conv.Int64)
		out = append(out, ac)
	}
	return out, rows.Err()
}
