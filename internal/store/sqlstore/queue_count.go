package sqlstore

import (
	"context"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CountQueues counts the not-closed conversations of queues (issue 4): one
// grouped scan of the conversations_queue index per call, so a burst of
// changes to many queues costs one query.
func (s *Reports) CountQueues(ctx context.Context, ids []desk.ID) ([]desk.QueueCount, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var w where
	if len(ids) > 0 {
		marks := make([]string, len(ids))
		args := make([]any, len(ids))
		for i, id := range ids {
			marks[i], args[i] = "?", int64(id)
		}
		w.add(`q.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	}
	if !actor.SeesAllQueues() {
		w.add(`q.id IN (SELECT queue_id FROM queue_members WHERE agent_id = ?)`, int64(actor.AgentID))
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT q.id,
		COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND c.assignee_id IS NULL AND c.bot IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.assignee_id IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.assignee_id IS NULL AND c.bot IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM queues q LEFT JOIN conversations c ON c.queue_id = q.id AND c.status <> 'closed'`+w.sql()+`
		GROUP BY q.id ORDER BY q.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []desk.QueueCount
	for rows.Next() {
		var n desk.QueueCount
		if err := rows.Scan(&n.QueueID, &n.Unassigned, &n.Assigned, &n.Bots); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
