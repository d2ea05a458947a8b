package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// qAgentQueues lists the queues of an agent whose capacity was freed.
const qAgentQueues = `SELECT queue_id FROM queue_members WHERE agent_id = $1 ORDER BY queue_id`

// InlineAssign reports whether writes that make work assignable also
// assign it in their own transaction (asked for with
// Options.InlineAssign); see desk.InlineAssigner. Only a single-writer
// database (SQLite) does it: there every write transaction runs alone, so
// a plan made inside one is exact, and assigning there spares the
// assignment the trip through the change stream to the Assigner and the
// wait for the writer behind the next queued write. With several writers
// (PostgreSQL) it would need the queue's lock inside every ingest, so
// there the Assigner does all the work and this reports false.
func (s *Conversations) InlineAssign() bool { return s.inline }

// PlanHook is told of each automatic-assignment plan before it is written
// (before its agents are locked, with row locks): the queue, the round (0
// for the first plan of a transaction, more when a chosen agent changed
// and the plan was made again) and the agents chosen. Tests give one in
// Options.PlanHook to change an agent between the read and the lock.
type PlanHook func(queueID desk.ID, round int, agents []desk.ID)

// assignKicks collects, inside one write transaction, where work may have
// become assignable: queues with new waiting conversations (and how
// many), and agents whose capacity was freed.
type assignKicks struct {
	queues map[desk.ID]int
	agents []desk.ID
}

func (k *assignKicks) waiting(queueID desk.ID) {
	if k.queues == nil {
		k.queues = map[desk.ID]int{}
	}
	k.queues[queueID]++
}

func (k *assignKicks) freed(agentID desk.ID) { k.agents = append(k.agents, agentID) }

// assignInlineTx assigns, inside the write transaction that made them
// assignable, what the kicks point at, when inline assignment is on: each
// queue with new waiting conversations up to that many (the head of the
// queue first, as always), and one conversation in each queue of a freed
// agent. It returns the changes to publish after commit. Whatever it
// leaves (a backlog longer than the kick) the Assigner, told of the same
// commit, takes on.
func (s *Conversations) assignInlineTx(ctx context.Context, tx *sql.Tx, k *assignKicks) ([]desk.Change, error) {
	if !s.inline || (len(k.queues) == 0 && len(k.agents) == 0) {
		return nil, nil
	}
	max := map[desk.ID]int{}
	var order []desk.ID
	add := func(q desk.ID, n int) {
		if _, ok := max[q]; !ok {
			order = append(order, q)
		}
		max[q] += n
	}
	for _, a := range k.agents {
		qs, err := s.agentQueuesTx(ctx, tx, a)
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			add(q, 1)
		}
	}
	for q, n := range k.queues {
		add(q, n)
	}
	var changes []desk.Change
	for _, q := range order {
		plan, err := s.autoAssignTx(ctx, tx, q, max[q])
		if err != nil {
			return nil, err
		}
		_, ch := assignmentResults(q, plan)
		changes = append(changes, ch...)
	}
	return changes, nil
}

// agentQueuesTx lists an agent's queues.
func (s *Conversations) agentQueuesTx(ctx context.Context, tx *sql.Tx, agentID desk.ID) ([]desk.ID, error) {
	rows, err := s.txQuery(ctx, tx, qAgentQueues, int64(agentID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []desk.ID
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, desk.ID(id))
	}
	return out, rows.Err()
}
