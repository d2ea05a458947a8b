package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// activeStatuses are the conversation statuses that hold an agent's
// capacity (A10): solving or closing frees it.
const activeStatuses = `('open', 'waiting')`

// holdsCapacity reports whether a conversation in status counts toward its
// assignee's load.
func holdsCapacity(status string) bool {
	return status == desk.ConversationOpen || status == desk.ConversationWaiting
}

// refreshLoadTx recounts the active load of agents inside the transaction
// that changed their assignments. A recount rather than an increment, so a
// path that changes assignments cannot drift the figure.
func (s *Conversations) refreshLoadTx(ctx context.Context, tx *sql.Tx, agentIDs ...*desk.ID) error {
	at := micros(s.now()) // stamps the status change for utilization (A6)
	for _, id := range agentIDs {
		if id == nil || *id == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET activity_at = $2, active_load = (SELECT count(*) FROM conversations c
			WHERE c.assignee_id = agents.id AND c.status IN `+activeStatuses+`) WHERE id = $1`, int64(*id), at); err != nil {
			return err
		}
	}
	return nil
}

// refreshAcceptsWorkTx recomputes whether agents may receive work: their
// status is Available or a custom status that allows work, and no call is
// running. where selects the agents ($1 is its argument).
func refreshAcceptsWorkTx(ctx context.Context, tx *sql.Tx, where string, arg any) error {
	_, err := tx.ExecContext(ctx, `UPDATE agents SET accepts_work = (call_state = '' AND (status = 'available'
		OR status IN (SELECT name FROM custom_statuses WHERE allows_work))) WHERE `+where, arg)
	return err
}

// lockAgentsTx takes the row locks of agents, in ID order, before their
// assignments change. With several writers (PostgreSQL) this serializes
// every change to one agent's load, so a load read after the lock is
// current and capacity checks cannot be raced; the fixed order (agents
// first, by ID, then conversations) keeps transactions from deadlocking.
// A single-writer database needs no locks.
func (s *Conversations) lockAgentsTx(ctx context.Context, tx *sql.Tx, agentIDs ...*desk.ID) error {
	if !s.dialect.RowLocks {
		return nil
	}
	ids := make([]int64, 0, len(agentIDs))
	for _, id := range agentIDs {
		if id != nil && *id != 0 {
			ids = append(ids, int64(*id))
		}
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM agents WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
	}
	return nil
}
