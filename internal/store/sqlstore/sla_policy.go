package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const qPolicyCols = `id, queue_id, priority, first_response_minutes, next_response_minutes, resolution_minutes, created_at`

// maxTargetMinutes bounds a target at a year of minutes.
const maxTargetMinutes = 366 * 24 * 60

// checkPolicy validates a policy's priority and targets.
func checkPolicy(p *desk.SLAPolicy) error {
	if p.QueueID == 0 {
		return desk.FieldErrorf("queue_id", "queue_id is required")
	}
	if p.Priority != "" && desk.PriorityRank(p.Priority) == 0 {
		return desk.FieldErrorf("priority", "priority must be low, normal, high, urgent or empty for any")
	}
	for field, v := range map[string]int{"first_response_minutes": p.FirstResponseMinutes,
		"next_response_minutes": p.NextResponseMinutes, "resolution_minutes": p.ResolutionMinutes} {
		if v < 0 || v > maxTargetMinutes {
			return desk.FieldErrorf(field, "%s must be between 0 (no target) and %d", field, maxTargetMinutes)
		}
	}
	if p.FirstResponseMinutes == 0 && p.NextResponseMinutes == 0 && p.ResolutionMinutes == 0 {
		return desk.FieldErrorf("first_response_minutes", "a policy needs at least one target")
	}
	return nil
}

// CreateSLAPolicy stores a policy (supervisor+); ECONFLICT (policy_exists)
// if the queue has one for the priority.
func (s *Config) CreateSLAPolicy(ctx context.Context, p *desk.SLAPolicy) error {
	if err := checkPolicy(p); err != nil {
		return err
	}
	if _, err := s.FindQueueByID(ctx, p.QueueID); desk.ErrorKind(err) == desk.ENOTFOUND {
		return desk.FieldErrorf("queue_id", "queue not found")
	} else if err != nil {
		return err
	}
	p.CreatedAt = s.now()
	err := s.w.QueryRowContext(ctx, `INSERT INTO sla_policies (queue_id, priority, first_response_minutes, next_response_minutes, resolution_minutes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, int64(p.QueueID), p.Priority, p.FirstResponseMinutes, p.NextResponseMinutes,
		p.ResolutionMinutes, micros(p.CreatedAt)).Scan(&p.ID)
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return &desk.Error{Kind: desk.ECONFLICT, Code: "policy_exists", Field: "priority", Message: "the queue has a policy for this priority"}
	} else if err != nil {
		return err
	}
	s.publish(desk.Change{Type: desk.ChangeSLARules, QueueID: p.QueueID, At: s.now()})
	return nil
}

func scanPolicy(row interface{ Scan(...any) error }) (*desk.SLAPolicy, error) {
	var p desk.SLAPolicy
	var created int64
	if err := row.Scan(&p.ID, &p.QueueID, &p.Priority, &p.FirstResponseMinutes, &p.NextResponseMinutes, &p.ResolutionMinutes, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMicros(created)
	return &p, nil
}

// FindSLAPolicies lists policies by queue and priority, of one queue when
// queueID is not 0.
func (s *Config) FindSLAPolicies(ctx context.Context, queueID desk.ID) ([]*desk.SLAPolicy, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT `+qPolicyCols+` FROM sla_policies WHERE $1 = 0 OR queue_id = $1 ORDER BY queue_id, priority`, int64(queueID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.SLAPolicy{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeleteSLAPolicy removes a policy (supervisor+).
func (s *Config) DeleteSLAPolicy(ctx context.Context, id desk.ID) error {
	var queue desk.ID
	err := s.w.QueryRowContext(ctx, `DELETE FROM sla_policies WHERE id = $1 RETURNING queue_id`, int64(id)).Scan(&queue)
	if isNoRows(err) {
		return notFound("SLA policy")
	} else if err != nil {
		return err
	}
	s.publish(desk.Change{Type: desk.ChangeSLARules, QueueID: queue, At: s.now()})
	return nil
}

// FindSLAPolicyQueues lists the queues with at least one policy (system):
// the SLA tracker skips changes of conversations in other queues.
func (s *Config) FindSLAPolicyQueues(ctx context.Context) ([]desk.ID, error) {
	return s.systemIDs(ctx, `SELECT DISTINCT queue_id FROM sla_policies ORDER BY queue_id`)
}
