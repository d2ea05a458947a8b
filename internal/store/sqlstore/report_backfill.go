package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FindConversationsWithoutReportFact pages through conversations that
// have no report fact yet (system): those from before reports existed,
// or whose change a stopped node never recorded.
func (s *Reports) FindConversationsWithoutReportFact(ctx context.Context, afterID desk.ID, n int) ([]desk.ID, error) {
	return s.systemIDs(ctx, `SELECT c.id FROM conversations c LEFT JOIN report_facts f ON f.conversation_id = c.id
		WHERE f.conversation_id IS NULL AND c.id > $1 AND c.merged_into_id IS NULL AND c.channel <> $3 ORDER BY c.id LIMIT $2`,
		int64(afterID), limit(n), desk.ChannelInternal)
}

// FindConversationsWithoutSLA pages through open or waiting conversations
// of queues with a policy that have no SLA status yet (system).
func (s *Conversations) FindConversationsWithoutSLA(ctx context.Context, afterID desk.ID, n int) ([]desk.ID, error) {
	return s.systemIDs(ctx, `SELECT c.id FROM conversations c LEFT JOIN conversation_sla x ON x.conversation_id = c.id
		WHERE x.conversation_id IS NULL AND c.id > $1 AND c.status IN ('open', 'waiting')
		AND EXISTS (SELECT 1 FROM sla_policies p WHERE p.queue_id = c.queue_id) ORDER BY c.id LIMIT $2`, int64(afterID), limit(n))
}

// FindOpenConversationsForSLA pages through open or waiting conversations
// of a queue, or with queueID 0 of every queue with a policy or an SLA
// status (system).
func (s *Conversations) FindOpenConversationsForSLA(ctx context.Context, queueID, afterID desk.ID, n int) ([]desk.ID, error) {
	return s.systemIDs(ctx, `SELECT c.id FROM conversations c WHERE c.id > $1 AND c.status IN ('open', 'waiting')
		AND (c.queue_id = $2 OR ($2 = 0 AND (EXISTS (SELECT 1 FROM sla_policies p WHERE p.queue_id = c.queue_id)
			OR EXISTS (SELECT 1 FROM conversation_sla x WHERE x.conversation_id = c.id))))
		ORDER BY c.id LIMIT $3`, int64(afterID), int64(queueID), limit(n))
}

// systemIDs runs a query of IDs for the server's own work.
func (s *core) systemIDs(ctx context.Context, q string, args ...any) ([]desk.ID, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []desk.ID
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
