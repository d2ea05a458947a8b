package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The waiting queue and the eligible agents of B3, each one indexed read.
const (
	qNextWaiting = `SELECT c.id, c.channel, c.waiting_since FROM conversations c JOIN queues q ON q.id = c.queue_id
		WHERE c.queue_id = $1 AND q.auto_assign AND c.assignee_id IS NULL AND c.bot IS NULL AND c.status IN ('open', 'waiting')
		ORDER BY c.priority_rank DESC, c.waiting_since, c.id LIMIT 1`
	qEligibleAgents = `SELECT a.id, a.name, a.channel_capacity FROM queue_members m JOIN agents a ON a.id = m.agent_id
		WHERE m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity
		ORDER BY a.active_load, COALESCE(a.last_assigned_at, 0), a.id LIMIT 25`
	qAnyEligible = `SELECT 1 FROM queue_members m JOIN agents a ON a.id = m.agent_id
		WHERE m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity LIMIT 1`
	qAutoAssign = `UPDATE conversations SET assignee_id = $1, updated_at = $2
		WHERE id = $3 AND assignee_id IS NULL AND bot IS NULL AND status IN ('open', 'waiting')`
)

// errLostRace says another transaction changed what this one decided on.
var errLostRace = errors.New("auto-assign: lost a race")

// candidate is an agent who may take a conversation.
type candidate struct {
	id       desk.ID
	name     string
	channels map[string]int
}

// AutoAssign assigns up to max waiting conversations of a queue (B3); see
// desk.AutoAssignService. A cheap look on the readers comes first, so a
// queue where nothing can happen costs no write transaction.
func (s *Store) AutoAssign(ctx context.Context, queueID desk.ID, max int) ([]desk.Assignment, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "automatic assignment is the server's")
	}
	if ok, err := s.mayAssign(ctx, queueID); err != nil || !ok {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		var got []desk.Assignment
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			got = got[:0]
			if s.dialect.LockQueue != "" {
				if _, err := tx.ExecContext(ctx, s.dialect.LockQueue, int64(queueID)); err != nil {
					return err
				}
			}
			for len(got) < max {
				a, err := s.autoAssignTx(ctx, tx, queueID)
				if err != nil || a == nil {
					return err
				}
				got = append(got, *a)
			}
			return nil
		})
		if (errors.Is(err, errLostRace) || (err != nil && s.retryable(err))) && attempt < 5 {
			continue
		} else if err != nil {
			return nil, err
		}
		changes := make([]desk.Change, len(got))
		for i, a := range got {
			changes[i] = desk.Change{Type: desk.ChangeConversationAssigned, ConversationID: a.ConversationID, QueueID: queueID,
				AgentID: a.AgentID, Status: desk.ConversationOpen, At: a.AssignedAt}
		}
		s.publish(changes...)
		return got, nil
	}
}

// mayAssign reports, from the readers, whether the queue has a waiting
// conversation and an agent who could take one.
func (s *Store) mayAssign(ctx context.Context, queueID desk.ID) (bool, error) {
	var id, since sql.NullInt64
	var channel string
	if err := s.rd.QueryRowContext(ctx, qNextWaiting, int64(queueID)).Scan(&id, &channel, &since); isNoRows(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	var one int
	if err := s.rd.QueryRowContext(ctx, qAnyEligible, int64(queueID)).Scan(&one); isNoRows(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, nil
}

// autoAssignTx picks and assigns one conversation inside tx; nil when
// nothing can be done.
func (s *Store) autoAssignTx(ctx context.Context, tx *sql.Tx, queueID desk.ID) (*desk.Assignment, error) {
	var convID desk.ID
	var channel string
	var since sql.NullInt64
	if err := tx.QueryRowContext(ctx, qNextWaiting, int64(queueID)).Scan(&convID, &channel, &since); isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	cands, err := eligibleAgentsTx(ctx, tx, queueID)
	if err != nil {
		return nil, err
	}
	for _, a := range cands {
		if err := s.lockAgentsTx(ctx, tx, &a.id); err != nil {
			return nil, err
		}
		ok, err := canTakeTx(ctx, tx, a, channel)
		if err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		now := micros(s.now())
		res, err := tx.ExecContext(ctx, qAutoAssign, int64(a.id), now, int64(convID))
		if err != nil {
			return nil, err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return nil, errLostRace
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET last_assigned_at = $1, active_load = (SELECT count(*) FROM conversations c
			WHERE c.assignee_id = agents.id AND c.status IN `+activeStatuses+`) WHERE id = $2`, now, int64(a.id)); err != nil {
			return nil, err
		}
		if err := s.insertEventTx(ctx, tx, convID, desk.EventAssigned, desk.SystemActor, now,
			map[string]any{"agent_id": a.id.String(), "agent_name": a.name, "automatic": true}); err != nil {
			return nil, err
		}
		return &desk.Assignment{ConversationID: convID, QueueID: queueID, AgentID: a.id,
			WaitingSince: fromMicros(since.Int64), AssignedAt: fromMicros(now)}, nil
	}
	return nil, nil
}

func eligibleAgentsTx(ctx context.Context, tx *sql.Tx, queueID desk.ID) ([]candidate, error) {
	rows, err := tx.QueryContext(ctx, qEligibleAgents, int64(queueID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var cc string
		if err := rows.Scan(&c.id, &c.name, &cc); err != nil {
			return nil, err
		}
		if err := scanJSON(cc, &c.channels); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// canTakeTx checks, with the agent's row locked where that matters, that
// the agent still accepts work and has room overall and on the channel.
func canTakeTx(ctx context.Context, tx *sql.Tx, a candidate, channel string) (bool, error) {
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT accepts_work AND active_load < capacity FROM agents WHERE id = $1`, int64(a.id)).Scan(&ok); err != nil || !ok {
		return false, err
	}
	limit, capped := a.channels[channel]
	if !capped {
		return true, nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE assignee_id = $1 AND channel = $2 AND status IN `+activeStatuses,
		int64(a.id), channel).Scan(&n)
	return n < limit, err
}
