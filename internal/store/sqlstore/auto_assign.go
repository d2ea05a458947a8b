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
		ORDER BY c.priority_rank DESC, c.waiting_since, c.id LIMIT $2`
	qAnyEligible = `SELECT 1 FROM queue_members m JOIN agents a ON a.id = m.agent_id
		WHERE m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity LIMIT 1`
	// qEligibleAgents reads the first $2 agents in the order work is
	// offered; qLockEligible (several writers) takes the same agents' row
	// locks, in ID order, and re-reads them under the lock, so loads and
	// channel counts the plan uses are current.
	qEligibleAgents = `SELECT a.id, a.name, a.channel_capacity, a.active_load, a.capacity, COALESCE(a.last_assigned_at, 0)
		FROM queue_members m JOIN agents a ON a.id = m.agent_id
		WHERE m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity
		ORDER BY a.active_load, COALESCE(a.last_assigned_at, 0), a.id LIMIT $2`
	qLockEligible = `SELECT a.id, a.name, a.channel_capacity, a.active_load, a.capacity, COALESCE(a.last_assigned_at, 0)
		FROM agents a WHERE a.id IN (SELECT m.agent_id FROM queue_members m JOIN agents e ON e.id = m.agent_id
			WHERE m.queue_id = $1 AND e.accepts_work AND e.active_load < e.capacity
			ORDER BY e.active_load, COALESCE(e.last_assigned_at, 0), e.id LIMIT $2)
		AND a.accepts_work AND a.active_load < a.capacity ORDER BY a.id FOR UPDATE OF a`
	qChannelLoad = `SELECT count(*) FROM conversations WHERE assignee_id = $1 AND channel = $2 AND status IN ` + activeStatuses

	// One assignment at a time (prepared on a single writer).
	qAutoAssign = `UPDATE conversations SET assignee_id = $1, updated_at = $2
		WHERE id = $3 AND assignee_id IS NULL AND bot IS NULL AND status IN ` + activeStatuses
	qAgentAssigned = `UPDATE agents SET last_assigned_at = $1, active_load = (SELECT count(*) FROM conversations c
		WHERE c.assignee_id = agents.id AND c.status IN ` + activeStatuses + `) WHERE id = $2`

	// A whole batch in three statements (PostgreSQL arrays).
	qAutoAssignMany = `UPDATE conversations SET assignee_id = v.agent, updated_at = v.at
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(conv, agent, at)
		WHERE conversations.id = v.conv AND conversations.assignee_id IS NULL AND conversations.bot IS NULL
		AND conversations.status IN ` + activeStatuses
	qAgentsAssigned = `UPDATE agents SET last_assigned_at = v.at, active_load = (SELECT count(*) FROM conversations c
		WHERE c.assignee_id = agents.id AND c.status IN ` + activeStatuses + `)
		FROM unnest($1::bigint[], $2::bigint[]) AS v(id, at) WHERE agents.id = v.id`
	qAssignedEvents = `INSERT INTO events (conversation_id, type, actor_id, actor_name, data, created_at)
		SELECT v.conv, $1, NULL, $2, v.data, v.at FROM unnest($3::bigint[], $4::text[], $5::bigint[]) WITH ORDINALITY AS v(conv, data, at, n)
		ORDER BY v.n`
)

// autoAssignWrites are prepared on the writer up front (see hotWrites).
var autoAssignWrites = []string{qNextWaiting, qEligibleAgents, qChannelLoad, qAutoAssign, qAgentAssigned}

// spareCandidates is how many agents beyond the batch size are read: with
// k assignments planned, at least this many read agents are untouched, and
// none unread comes before them, so the plan's choices are those of a full
// read unless per-channel caps pass over that many.
const spareCandidates = 25

// errLostRace says another transaction changed what this one decided on.
var errLostRace = errors.New("auto-assign: lost a race")

// AutoAssign assigns up to max waiting conversations of a queue (B3); see
// desk.AutoAssignService. A cheap look on the readers comes first, so a
// queue where nothing can happen costs no write transaction. Then one
// transaction reads the head of the waiting queue and the eligible agents
// once, plans the batch in Go (planAssignments) and writes it: on
// PostgreSQL in three statements under the queue's advisory lock and the
// agents' row locks, on SQLite with prepared statements.
func (s *Store) AutoAssign(ctx context.Context, queueID desk.ID, max int) ([]desk.Assignment, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "automatic assignment is the server's")
	}
	if max <= 0 {
		return nil, nil
	}
	if ok, err := s.mayAssign(ctx, queueID); err != nil || !ok {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		var plan []plannedAssignment
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			plan = nil
			if s.dialect.LockQueue != "" {
				if _, err := tx.ExecContext(ctx, s.dialect.LockQueue, int64(queueID)); err != nil {
					return err
				}
			}
			convs, err := s.waitingTx(ctx, tx, queueID, max)
			if err != nil || len(convs) == 0 {
				return err
			}
			cands, err := s.eligibleTx(ctx, tx, queueID, len(convs)+spareCandidates)
			if err != nil || len(cands) == 0 {
				return err
			}
			count := func(agent desk.ID, channel string) (n int, err error) {
				err = s.txRow(ctx, tx, qChannelLoad, int64(agent), channel).Scan(&n)
				return n, err
			}
			if plan, err = planAssignments(convs, cands, count, func() int64 { return micros(s.now()) }); err != nil || len(plan) == 0 {
				return err
			}
			if s.dialect.Arrays {
				return s.applyManyTx(ctx, tx, plan)
			}
			return s.applyEachTx(ctx, tx, plan)
		})
		if (errors.Is(err, errLostRace) || (err != nil && s.retryable(err))) && attempt < 5 {
			continue
		} else if err != nil {
			return nil, err
		}
		got := make([]desk.Assignment, len(plan))
		changes := make([]desk.Change, len(plan))
		for i, p := range plan {
			got[i] = desk.Assignment{ConversationID: p.conv.id, QueueID: queueID, AgentID: p.agent.id,
				WaitingSince: fromMicros(p.conv.since), AssignedAt: fromMicros(p.at)}
			changes[i] = desk.Change{Type: desk.ChangeConversationAssigned, ConversationID: p.conv.id, QueueID: queueID,
				AgentID: p.agent.id, Status: desk.ConversationOpen, At: got[i].AssignedAt}
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
	if err := s.rd.QueryRowContext(ctx, qNextWaiting, int64(queueID), 1).Scan(&id, &channel, &since); isNoRows(err) {
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

// waitingTx reads the first max conversations of the waiting queue.
func (s *Store) waitingTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, max int) ([]waitingConv, error) {
	rows, err := s.txQuery(ctx, tx, qNextWaiting, int64(queueID), max)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]waitingConv, 0, max)
	for rows.Next() {
		var c waitingConv
		var since sql.NullInt64
		if err := rows.Scan(&c.id, &c.channel, &since); err != nil {
			return nil, err
		}
		c.since = since.Int64
		out = append(out, c)
	}
	return out, rows.Err()
}

// eligibleTx reads the first n agents who may take work in the queue,
// locking their rows where the database has several writers.
func (s *Store) eligibleTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, n int) ([]*candidate, error) {
	q := qEligibleAgents
	if s.dialect.RowLocks {
		q = qLockEligible
	}
	rows, err := s.txQuery(ctx, tx, q, int64(queueID), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{}
		var caps string
		if err := rows.Scan(&c.id, &c.name, &caps, &c.load, &c.capacity, &c.lastAssigned); err != nil {
			return nil, err
		}
		if err := scanJSON(caps, &c.channels); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// applyEachTx writes a plan with prepared statements, a few per
// assignment (a single-writer database, where a statement is cheap).
func (s *Store) applyEachTx(ctx context.Context, tx *sql.Tx, plan []plannedAssignment) error {
	last := map[*candidate]int64{}
	for _, p := range plan {
		res, err := s.txExec(ctx, tx, qAutoAssign, int64(p.agent.id), p.at, int64(p.conv.id))
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return errLostRace
		}
		if err := s.insertEventTx(ctx, tx, p.conv.id, desk.EventAssigned, desk.SystemActor, p.at, assignedEventData(p.agent)); err != nil {
			return err
		}
		last[p.agent] = p.at
	}
	for a, at := range last {
		if _, err := s.txExec(ctx, tx, qAgentAssigned, at, int64(a.id)); err != nil {
			return err
		}
	}
	return nil
}

// applyManyTx writes a plan in three statements.
func (s *Store) applyManyTx(ctx context.Context, tx *sql.Tx, plan []plannedAssignment) error {
	convs, agents, ats := make([]int64, len(plan)), make([]int64, len(plan)), make([]int64, len(plan))
	data := make([]string, len(plan))
	last := map[int64]int64{}
	for i, p := range plan {
		convs[i], agents[i], ats[i] = int64(p.conv.id), int64(p.agent.id), p.at
		data[i] = mustJSON(assignedEventData(p.agent))
		last[int64(p.agent.id)] = p.at
	}
	res, err := tx.ExecContext(ctx, qAutoAssignMany, convs, agents, ats)
	if err != nil {
		return err
	} else if n, _ := res.RowsAffected(); n != int64(len(plan)) {
		return errLostRace
	}
	ids, lastAt := make([]int64, 0, len(last)), make([]int64, 0, len(last))
	for id, at := range last {
		ids, lastAt = append(ids, id), append(lastAt, at)
	}
	if _, err := tx.ExecContext(ctx, qAgentsAssigned, ids, lastAt); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, qAssignedEvents, desk.EventAssigned, "system", convs, data, ats)
	return err
}

// assignedEventData is the timeline record of an automatic assignment.
func assignedEventData(a *candidate) map[string]any {
	return map[string]any{"agent_id": a.id.String(), "agent_name": a.name, "automatic": true}
}
