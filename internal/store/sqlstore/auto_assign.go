package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/routing"
	"github.com/switchboard-cc/switchboard/internal/trace"
)

// The waiting queue and the eligible agents of B3, each one indexed read.
const (
	qNextWaiting = `SELECT c.id, c.channel, c.waiting_since, c.priority_rank FROM conversations c JOIN queues q ON q.id = c.queue_id
		WHERE c.queue_id = $1 AND q.auto_assign AND c.assignee_id IS NULL AND c.bot IS NULL AND c.status IN ('open', 'waiting')
		ORDER BY c.priority_rank DESC, c.waiting_since, c.id LIMIT $2`
	// qMayAssign: is anything waiting, and is anyone able to take it? The
	// first half is qNextWaiting, whose ORDER BY keeps the planners on the
	// waiting index (an EXISTS alone made SQLite walk the queue's open
	// conversations, assigned ones included).
	qMayAssign = `SELECT (SELECT c.id FROM conversations c JOIN queues q ON q.id = c.queue_id
			WHERE c.queue_id = $1 AND q.auto_assign AND c.assignee_id IS NULL AND c.bot IS NULL AND c.status IN ('open', 'waiting')
			ORDER BY c.priority_rank DESC, c.waiting_since, c.id LIMIT 1) IS NOT NULL
		AND EXISTS (SELECT 1 FROM queue_members m JOIN agents a ON a.id = m.agent_id
			WHERE m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity)`
	// qEligibleAgents reads the first $2 agents in the order work is
	// offered. With several writers (PostgreSQL) the read takes no locks;
	// qLockPlanned then locks just the agents the plan chose, in ID order,
	// and the plan stands only if they are as read (see lockPlannedTx).
	qEligibleAgents = `SELECT a.id, a.name, a.channel_capacity, a.active_load, a.capacity, COALESCE(a.last_assigned_at, 0)
		FROM queue_members m JOIN agents a ON a.id = m.agent_id
		WHERE m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity
		ORDER BY a.active_load, COALESCE(a.last_assigned_at, 0), a.id LIMIT $2`
	// qEligibleAgentsOrdered is the same read where the dialect says
	// OrderedAgentScan (SQLite): CROSS JOIN makes SQLite walk the
	// agents_offer index (migration 091) in offer order and probe each
	// agent's membership, stopping at $2, where without statistics it
	// read and sorted every member of the queue.
	qEligibleAgentsOrdered = `SELECT a.id, a.name, a.channel_capacity, a.active_load, a.capacity, COALESCE(a.last_assigned_at, 0)
		FROM agents a CROSS JOIN queue_members m
		WHERE m.agent_id = a.id AND m.queue_id = $1 AND a.accepts_work AND a.active_load < a.capacity
		ORDER BY a.active_load, COALESCE(a.last_assigned_at, 0), a.id LIMIT $2`
	qLockPlanned = `SELECT id, accepts_work, active_load, capacity FROM agents WHERE id = ANY($1) ORDER BY id FOR UPDATE`
	qChannelLoad = `SELECT count(*) FROM conversations WHERE assignee_id = $1 AND channel = $2 AND status IN ` + activeStatuses

	// One assignment at a time (prepared on a single writer).
	qAutoAssign = `UPDATE conversations SET assignee_id = $1, updated_at = $2
		WHERE id = $3 AND assignee_id IS NULL AND bot IS NULL AND status IN ` + activeStatuses
	qAgentAssigned = `UPDATE agents SET last_assigned_at = $1, activity_at = $1, active_load = (SELECT count(*) FROM conversations c
		WHERE c.assignee_id = agents.id AND c.status IN ` + activeStatuses + `) WHERE id = $2`

	// A whole batch in one statement (PostgreSQL arrays): the
	// conditional update of the conversations, the events of those it
	// updated, the waits they answered (the wallboard's queue_waits, as the
	// conversations_wait trigger records them, which applyManyTx's setting
	// switchboard.waits_recorded tells to leave these to this set-based
	// insert: row by row they were a third of the statement's time,
	// migration 410), and the agents' loads raised by their planned
	// assignments.
	// Raised, not recounted: the caller holds the agents' row locks and
	// lockPlannedTx found each load as the plan read it, and every change
	// to an agent's assignments sets its load under that lock, so the load
	// is exact; and if any conversation was taken meanwhile (fewer
	// updated than planned) the transaction is rolled back. A recount
	// read every active conversation of each agent in the batch — a cost
	// that grew with the agents' loads, i.e. with the backlog (issue 22,
	// docs/benchmarks.md "pgdrain").
	// The update's condition is wrapped in CASE so that it does not imply
	// the predicate of the partial index conversations_waiting: otherwise
	// the planner, believing that index nearly empty, read all of it (every
	// waiting conversation, 0.3 s at 18,000) into a hash join instead of
	// looking the batch's rows up by key (EXPLAIN ANALYZE in
	// docs/benchmarks.md, issue 22).
	qAssignMany = `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[]) WITH ORDINALITY AS v(conv, agent, at, data, n)),
		upd AS (UPDATE conversations c SET assignee_id = v.agent, updated_at = v.at FROM v
			WHERE c.id = v.conv AND CASE WHEN c.assignee_id IS NULL AND c.bot IS NULL AND c.status IN ` + activeStatuses + ` THEN true END
			RETURNING c.id, c.assignee_id, c.queue_id, c.channel, c.waiting_since, c.updated_at, c.merged_into_id),
		qw AS (INSERT INTO queue_waits (queue_id, channel, conversation_id, started_at, ended_at, outcome)
			SELECT queue_id, channel, id, waiting_since, GREATEST(updated_at, waiting_since), CASE WHEN merged_into_id IS NOT NULL THEN 'moved' ELSE 'answered' END
			FROM upd WHERE waiting_since IS NOT NULL),
		ev AS (INSERT INTO events (conversation_id, type, actor_id, actor_name, data, created_at)
			SELECT v.conv, $5, NULL, $6, v.data, v.at FROM v JOIN upd ON upd.id = v.conv ORDER BY v.n),
		ag AS (UPDATE agents a SET last_assigned_at = l.at, activity_at = l.at, active_load = a.active_load + l.n
			FROM (SELECT agent, max(at) AS at, count(*) AS n FROM v GROUP BY agent) l WHERE a.id = l.agent)
		SELECT count(*) FROM upd`
)

// autoAssignWrites are prepared on the writer up front (see hotWrites).
var autoAssignWrites = []string{qNextWaiting, qEligibleAgents, qEligibleAgentsOrdered, qChannelLoad, qAutoAssign, qAgentAssigned, qAgentQueues}

// spareCandidates is how many agents beyond the batch size are read: with
// k assignments planned, at least this many read agents are untouched, and
// none unread comes before them, so the plan's choices are those of a full
// read unless per-channel caps pass over that many.
const spareCandidates = 25

// maxReplans bounds the plans made again in one transaction because a
// chosen agent changed before its row was locked.
const maxReplans = 8

// maxBatchArrays is the most assignments the Assigner asks of one
// transaction where the batch is written in one statement (Arrays,
// PostgreSQL): its ~9 round trips and one commit per batch then weigh a
// quarter of what they do at routing's default of 128, which under load
// (every round trip waiting for a CPU) set the drain's pace.
const maxBatchArrays = 512

// MaxAutoAssignBatch is the largest batch the Assigner should ask of
// AutoAssign: larger where the batch is one statement (PostgreSQL),
// routing's default elsewhere (0), where each assignment is a few
// statements on the single writer and a longer batch would hold it up.
func (s *Conversations) MaxAutoAssignBatch() int {
	if s.dialect.Arrays {
		return maxBatchArrays
	}
	return 0
}

// errLostRace says another transaction changed what this one decided on.
var errLostRace = errors.New("auto-assign: lost a race")

// AutoAssign assigns up to max waiting conversations of a queue (B3); see
// desk.AutoAssignService. A cheap look on the readers comes first, so a
// queue where nothing can happen costs no write transaction — but not
// while the queue's last batch here came back full (a backlog draining,
// see backlogQueues). Then one transaction reads the head of the waiting
// queue and the eligible agents once, plans the batch in Go
// (routing.Plan) and writes it: on
// PostgreSQL under the queue's advisory lock (nodes take turns per queue,
// so each plan sees the loads the last one left) and the chosen agents'
// row locks, in one statement; on SQLite, the single writer, with
// prepared statements.
func (s *Conversations) AutoAssign(ctx context.Context, queueID desk.ID, max int) ([]desk.Assignment, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "automatic assignment is the server's")
	}
	if max <= 0 {
		return nil, nil
	}
	if !s.backlog.draining(queueID) {
		if ok, err := s.mayAssign(ctx, queueID); err != nil || !ok {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		var plan []routing.Planned
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if s.dialect.LockQueue != "" {
				if _, err := tx.ExecContext(ctx, s.dialect.LockQueue, int64(queueID)); err != nil {
					return err
				}
			}
			var err error
			plan, err = s.autoAssignTx(ctx, tx, queueID, max)
			return err
		})
		if (errors.Is(err, errLostRace) || (err != nil && s.retryable(err))) && attempt < 5 {
			continue
		} else if err != nil {
			s.backlog.note(queueID, false)
			return nil, err
		}
		s.backlog.note(queueID, len(plan) >= max)
		got, changes := assignmentResults(queueID, plan)
		if tp := trace.Parent(ctx); tp != "" {
			for i := range changes {
				changes[i].Trace = tp
			}
		}
		s.publish(changes...)
		return got, nil
	}
}

// autoAssignTx plans and writes up to max assignments of the queue inside
// tx: it reads the head of the waiting queue and the eligible agents once,
// plans the batch in Go (routing.Plan) and writes it. With row locks
// (several writers) the caller holds the queue's lock, and an agent
// changed between the read and its lock means planning again here: agents
// already locked cannot change, so this settles quickly. On a single
// writer the read is exact as it stands.
func (s *Conversations) autoAssignTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, max int) ([]routing.Planned, error) {
	head, err := s.waitingTx(ctx, tx, queueID, max)
	if err != nil || len(head) == 0 {
		return nil, err
	}
	count := func(agent desk.ID, channel string) (n int, err error) {
		err = s.txRow(ctx, tx, qChannelLoad, int64(agent), channel).Scan(&n)
		return n, err
	}
	var plan []routing.Planned
	for round := 0; ; round++ {
		cands, readLoads, err := s.eligibleTx(ctx, tx, queueID, max+spareCandidates)
		if err != nil || len(cands) == 0 {
			return nil, err
		}
		if plan, err = s.planPagesTx(ctx, tx, queueID, max, head, routing.NewPlanner(cands, count, func() int64 { return micros(s.now()) })); err != nil || len(plan) == 0 {
			return nil, err
		}
		if s.planHook != nil {
			s.planHook(queueID, round, plannedAgents(plan))
		}
		if !s.dialect.RowLocks {
			break
		}
		if err := lockPlannedTx(ctx, tx, plan, readLoads); err == nil {
			break
		} else if !errors.Is(err, errLostRace) || round == maxReplans {
			return nil, err
		}
	}
	if s.dialect.Arrays {
		return plan, s.applyManyTx(ctx, tx, plan)
	}
	return plan, s.applyEachTx(ctx, tx, plan)
}

// planPagesTx plans up to max assignments from the head of the waiting
// queue, then, while conversations nobody could take left room in the
// batch, from the next pages of the queue without the channels found
// blocked (A10: one unassignable conversation never holds back the
// others). Each page that does not fill the batch blocks a channel more,
// so this reads at most one page per channel beyond the head.
func (s *Conversations) planPagesTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, max int, page []routing.Waiting, p *routing.Planner) ([]routing.Planned, error) {
	limit := max
	for {
		if err := p.Take(page, max); err != nil {
			return nil, err
		}
		if len(p.Planned()) >= max || p.Full() || len(page) < limit {
			return p.Planned(), nil
		}
		limit = max - len(p.Planned())
		var err error
		if page, err = s.waitingAfterTx(ctx, tx, queueID, page[len(page)-1], p.Blocked(), limit); err != nil {
			return nil, err
		}
	}
}

// assignmentResults turns a committed plan into what AutoAssign returns
// and the changes to publish.
func assignmentResults(queueID desk.ID, plan []routing.Planned) ([]desk.Assignment, []desk.Change) {
	got := make([]desk.Assignment, len(plan))
	changes := make([]desk.Change, len(plan))
	for i, p := range plan {
		got[i] = desk.Assignment{ConversationID: p.Conv.ID, QueueID: queueID, AgentID: p.Agent.ID,
			WaitingSince: fromMicros(p.Conv.Since), AssignedAt: fromMicros(p.At)}
		changes[i] = desk.Change{Type: desk.ChangeConversationAssigned, ConversationID: p.Conv.ID, QueueID: queueID,
			AgentID: p.Agent.ID, Status: desk.ConversationOpen, At: got[i].AssignedAt}
	}
	return got, changes
}

// plannedAgents lists the agents a plan chose, each once, in plan order.
func plannedAgents(plan []routing.Planned) []desk.ID {
	var out []desk.ID
	seen := map[desk.ID]bool{}
	for _, p := range plan {
		if !seen[p.Agent.ID] {
			seen[p.Agent.ID] = true
			out = append(out, p.Agent.ID)
		}
	}
	return out
}

// mayAssign reports, from the readers, whether the queue has a waiting
// conversation and an agent who could take one.
func (s *Conversations) mayAssign(ctx context.Context, queueID desk.ID) (bool, error) {
	var ok bool
	err := s.rd.QueryRowContext(ctx, qMayAssign, int64(queueID)).Scan(&ok)
	return ok, err
}

// waitingTx reads the first max conversations of the waiting queue.
func (s *Conversations) waitingTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, max int) ([]routing.Waiting, error) {
	rows, err := s.txQuery(ctx, tx, qNextWaiting, int64(queueID), max)
	if err != nil {
		return nil, err
	}
	return scanWaiting(rows, max)
}

// waitingAfterTx reads the next max conversations of the waiting queue
// after last, leaving out the blocked channels. It runs only when
// per-channel caps passed conversations over, so it is not prepared.
func (s *Conversations) waitingAfterTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, last routing.Waiting, blocked map[string]bool, max int) ([]routing.Waiting, error) {
	args := []any{int64(queueID), last.Rank, last.Since, int64(last.ID), max}
	q := `SELECT c.id, c.channel, c.waiting_since, c.priority_rank FROM conversations c JOIN queues q ON q.id = c.queue_id
		WHERE c.queue_id = $1 AND q.auto_assign AND c.assignee_id IS NULL AND c.bot IS NULL AND c.status IN ('open', 'waiting')
		AND (c.priority_rank < $2 OR (c.priority_rank = $2 AND (COALESCE(c.waiting_since, 0) > $3
			OR (COALESCE(c.waiting_since, 0) = $3 AND c.id > $4))))`
	for ch := range blocked {
		args = append(args, ch)
		q += " AND c.channel <> $" + itoa(len(args))
	}
	q += " ORDER BY c.priority_rank DESC, c.waiting_since, c.id LIMIT $5"
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanWaiting(rows, max)
}

func scanWaiting(rows *sql.Rows, max int) ([]routing.Waiting, error) {
	defer rows.Close()
	out := make([]routing.Waiting, 0, max)
	for rows.Next() {
		var c routing.Waiting
		var since sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Channel, &since, &c.Rank); err != nil {
			return nil, err
		}
		c.Since = since.Int64
		out = append(out, c)
	}
	return out, rows.Err()
}

// eligibleTx reads the first n agents who may take work in the queue,
// with each one's load as read (the planner raises Candidate.Load as it
// plans; lockPlannedTx compares the read one).
func (s *Conversations) eligibleTx(ctx context.Context, tx *sql.Tx, queueID desk.ID, n int) ([]*routing.Candidate, map[desk.ID]int, error) {
	q := qEligibleAgents
	if s.dialect.OrderedAgentScan {
		q = qEligibleAgentsOrdered
	}
	rows, err := s.txQuery(ctx, tx, q, int64(queueID), n)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []*routing.Candidate
	loads := map[desk.ID]int{}
	for rows.Next() {
		c := &routing.Candidate{}
		var caps string
		if err := rows.Scan(&c.ID, &c.Name, &caps, &c.Load, &c.Capacity, &c.LastAssigned); err != nil {
			return nil, nil, err
		}
		loads[c.ID] = c.Load
		if err := scanJSON(caps, &c.Channels); err != nil {
			return nil, nil, err
		}
		out = append(out, c)
	}
	return out, loads, rows.Err()
}

// lockPlannedTx takes the row locks of the agents a plan chose, in ID
// order (agents before conversations, as every path that changes
// assignments does), and checks each is as the plan read it: still
// accepting work, same capacity and same load. Any change to an agent's
// assignments changes its load under this same lock, so an unchanged load
// also means unchanged per-channel counts; a changed agent means the plan
// is redone (errLostRace). readLoads holds the loads as read.
func lockPlannedTx(ctx context.Context, tx *sql.Tx, plan []routing.Planned, readLoads map[desk.ID]int) error {
	byID := map[int64]*routing.Candidate{}
	ids := make([]int64, 0, len(plan))
	for _, p := range plan {
		if byID[int64(p.Agent.ID)] == nil {
			byID[int64(p.Agent.ID)] = p.Agent
			ids = append(ids, int64(p.Agent.ID))
		}
	}
	rows, err := tx.QueryContext(ctx, qLockPlanned, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var accepts bool
		var load, capacity int
		if err := rows.Scan(&id, &accepts, &load, &capacity); err != nil {
			return err
		}
		c := byID[id]
		if c == nil || !accepts || load != readLoads[c.ID] || capacity != c.Capacity {
			return errLostRace
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	} else if n != len(ids) {
		return errLostRace // deleted meanwhile
	}
	return nil
}

// applyEachTx writes a plan with prepared statements, a few per
// assignment (a single-writer database, where a statement is cheap).
func (s *Conversations) applyEachTx(ctx context.Context, tx *sql.Tx, plan []routing.Planned) error {
	last := map[*routing.Candidate]int64{}
	for _, p := range plan {
		res, err := s.txExec(ctx, tx, qAutoAssign, int64(p.Agent.ID), p.At, int64(p.Conv.ID))
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return errLostRace
		}
		if err := s.insertEventTx(ctx, tx, p.Conv.ID, desk.EventAssigned, desk.SystemActor, p.At, assignedEventData(p.Agent)); err != nil {
			return err
		}
		last[p.Agent] = p.At
	}
	for a, at := range last {
		if _, err := s.txExec(ctx, tx, qAgentAssigned, at, int64(a.ID)); err != nil {
			return err
		}
	}
	return nil
}

// applyManyTx writes a plan in one statement; if any conversation was
// taken meanwhile, the whole plan is redone.
func (s *Conversations) applyManyTx(ctx context.Context, tx *sql.Tx, plan []routing.Planned) error {
	convs, agents, ats := make([]int64, len(plan)), make([]int64, len(plan)), make([]int64, len(plan))
	data := make([]string, len(plan))
	for i, p := range plan {
		convs[i], agents[i], ats[i] = int64(p.Conv.ID), int64(p.Agent.ID), p.At
		data[i] = mustJSON(assignedEventData(p.Agent))
	}
	// The batch write touches rows by key and counts loads along
	// conversations_assignee; its plan must not depend on the tables'
	// statistics, which lag behind a table that filled quickly: a generic
	// plan made on a near-empty table scanned every conversation once for
	// the batch and again per agent (~0.4 s a batch at 20,000 waiting;
	// docs/benchmarks.md). Local: the rest of this transaction only, where
	// qAssignMany is the last statement; it records the waits it answers
	// itself (switchboard.waits_recorded, see qAssignMany).
	if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_seqscan', 'off', true), set_config('switchboard.waits_recorded', 'on', true)`); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, qAssignMany, convs, agents, ats, data, desk.EventAssigned, "system").Scan(&n); err != nil {
		return err
	} else if n != len(plan) {
		return errLostRace
	}
	return nil
}

// assignedEventData is the timeline record of an automatic assignment.
func assignedEventData(a *routing.Candidate) map[string]any {
	return map[string]any{"agent_id": a.ID.String(), "agent_name": a.Name, "automatic": true}
}
