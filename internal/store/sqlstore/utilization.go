package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Utilization sums, per agent and status, the part of each logged status
// period that falls inside [from, to) (A6). A period still running ends at
// now. Periods are stored as instants, so days, midnights and time zones
// need no special handling.
func (s *Reports) Utilization(ctx context.Context, from, to time.Time) ([]*desk.Utilization, error) {
	if !to.After(from) {
		return nil, desk.FieldErrorf("to", "to must be after from")
	}
	f, t, now := micros(from), micros(to), micros(s.now())
	rows, err := s.rd.QueryContext(ctx, `SELECT l.agent_id, a.name, l.status, l.started_at, l.ended_at
		FROM agent_status_log l JOIN agents a ON a.id = l.agent_id
		WHERE l.started_at < $1 AND (l.ended_at IS NULL OR l.ended_at > $2) ORDER BY l.agent_id, l.id`, t, f)
	if err != nil {
		return nil, err
	}
	out := []*desk.Utilization{}
	err = eachStatusSpan(rows, f, t, now, func(id desk.ID, name, status string, a, b int64) {
		if len(out) == 0 || out[len(out)-1].AgentID != id {
			out = append(out, &desk.Utilization{AgentID: id, AgentName: name, Seconds: map[string]float64{}})
		}
		u := out[len(out)-1]
		sec := float64(b-a) / 1e6
		u.Seconds[status] += sec
		u.Total += sec
	})
	return out, err
}

// eachStatusSpan reads status periods (agent_id, agent name, status,
// started_at, ended_at: a still open one ends now) and calls fn with each
// clipped to [f, t), skipping those outside it. It closes rows.
func eachStatusSpan(rows *sql.Rows, f, t, now int64, fn func(id desk.ID, name, status string, a, b int64)) error {
	defer rows.Close()
	for rows.Next() {
		var id desk.ID
		var name, status string
		var start int64
		var end sql.NullInt64
		if err := rows.Scan(&id, &name, &status, &start, &end); err != nil {
			return err
		}
		stop := max(now, start)
		if end.Valid {
			stop = end.Int64
		}
		if a, b := max(start, f), min(stop, t); b > a {
			fn(id, name, status, a, b)
		}
	}
	return rows.Err()
}

// Activity sums the agent_activity_log periods (every status, automatic
// ones included: migration 133's triggers) within [from, to); see
// desk.PresenceService.
func (s *Reports) Activity(ctx context.Context, from, to time.Time, agentID *desk.ID, timeline bool) ([]*desk.AgentActivity, error) {
	if !to.After(from) {
		return nil, desk.FieldErrorf("to", "to must be after from")
	}
	f, t, now := micros(from), micros(to), micros(s.now())
	q := `SELECT l.agent_id, a.name, l.status, l.started_at, l.ended_at
		FROM agent_activity_log l JOIN agents a ON a.id = l.agent_id
		WHERE l.started_at < $1 AND (l.ended_at IS NULL OR l.ended_at > $2)`
	args := []any{t, f}
	if agentID != nil {
		q += ` AND l.agent_id = $3`
		args = append(args, int64(*agentID))
	}
	rows, err := s.rd.QueryContext(ctx, q+` ORDER BY l.agent_id, l.started_at, l.id`, args...)
	if err != nil {
		return nil, err
	}
	out := []*desk.AgentActivity{}
	err = eachStatusSpan(rows, f, t, now, func(id desk.ID, name, status string, a, b int64) {
		if len(out) == 0 || out[len(out)-1].AgentID != id {
			out = append(out, &desk.AgentActivity{AgentID: id, AgentName: name, Seconds: map[string]float64{}})
		}
		u := out[len(out)-1]
		sec := float64(b-a) / 1e6
		u.Seconds[status] += sec
		u.Total += sec
		if timeline {
			u.Timeline = append(u.Timeline, desk.ActivitySpan{Status: status, From: fromMicros(a), To: fromMicros(b)})
		}
	})
	return out, err
}
