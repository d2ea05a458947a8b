package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// WallboardData reads the wallboard's raw figures (issue 23): per queue
// and channel the conversations waiting now (count and oldest start, on
// the waiting index), the waits that ended since `since` (queue_waits,
// written by triggers, on its (queue_id, ended_at) index) and the queues'
// members with their status, call state, load and capacity. Its cost is
// per queue and per ended wait, not per waiting conversation.
func (s *Store) WallboardData(ctx context.Context, ids []desk.ID, since time.Time) (*desk.WallboardData, error) {
	actor, err := desk.RequireRole(ctx, desk.RoleSupervisor)
	if err != nil {
		return nil, err
	}
	filter := func(col string) where {
		var w where
		if len(ids) > 0 {
			marks := make([]string, len(ids))
			args := make([]any, len(ids))
			for i, id := range ids {
				marks[i], args[i] = "?", int64(id)
			}
			w.add(col+` IN (`+strings.Join(marks, ", ")+`)`, args...)
		}
		if !actor.SeesAllQueues() {
			w.add(col+` IN (SELECT queue_id FROM queue_members WHERE agent_id = ?)`, int64(actor.AgentID))
		}
		return w
	}
	out := &desk.WallboardData{}

	w := filter("q.id")
	rows, err := s.rd.QueryContext(ctx, `SELECT q.id, q.name, q.service_level_seconds FROM queues q`+w.sql()+
		` ORDER BY `+queueSortKey+`, q.id`, w.args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var q desk.WallboardQueueRow
		if err := rows.Scan(&q.QueueID, &q.Name, &q.ServiceLevelSeconds); err != nil {
			return err
		}
		out.Queues = append(out.Queues, q)
		return nil
	})
	if err != nil || len(out.Queues) == 0 {
		return out, err
	}

	byKey := map[[2]string]*desk.WallboardChannelRow{}
	row := func(q int64, ch string) *desk.WallboardChannelRow {
		k := [2]string{itoa(int(q)), ch}
		r := byKey[k]
		if r == nil {
			r = &desk.WallboardChannelRow{QueueID: desk.ID(q), Channel: ch}
			byKey[k] = r
		}
		return r
	}
	w = filter("c.queue_id")
	w.add(`c.assignee_id IS NULL AND c.bot IS NULL AND c.status IN ('open', 'waiting')`)
	rows, err = s.rd.QueryContext(ctx, `SELECT c.queue_id, c.channel, count(*), min(c.waiting_since) FROM conversations c`+w.sql()+
		` GROUP BY c.queue_id, c.channel`, w.args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var q int64
		var ch string
		var n int
		var oldest sql.NullInt64
		if err := rows.Scan(&q, &ch, &n, &oldest); err != nil {
			return err
		}
		r := row(q, ch)
		r.Waiting, r.OldestSince = n, nullTime(oldest)
		return nil
	})
	if err != nil {
		return nil, err
	}

	w = filter("wt.queue_id")
	w.add(`wt.ended_at >= ?`, micros(since))
	rows, err = s.rd.QueryContext(ctx, `SELECT wt.queue_id, wt.channel,
		COALESCE(SUM(CASE WHEN wt.outcome = 'answered' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN wt.outcome = 'answered' AND wt.ended_at - wt.started_at <= q.service_level_seconds * 1000000 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN wt.outcome = 'answered' THEN wt.ended_at - wt.started_at ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN wt.outcome = 'abandoned' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN wt.outcome = 'abandoned' AND wt.ended_at - wt.started_at > q.service_level_seconds * 1000000 THEN 1 ELSE 0 END), 0)
		FROM queue_waits wt JOIN queues q ON q.id = wt.queue_id`+w.sql()+` GROUP BY wt.queue_id, wt.channel`, w.args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var q int64
		var ch string
		var sum int64
		var a, within, ab, after int
		if err := rows.Scan(&q, &ch, &a, &within, &sum, &ab, &after); err != nil {
			return err
		}
		r := row(q, ch)
		r.Answered, r.AnsweredWithin, r.AnsweredWait, r.Abandoned, r.AbandonedAfter = a, within, float64(sum)/1e6, ab, after
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range byKey {
		out.Channels = append(out.Channels, *r)
	}

	w = filter("m.queue_id")
	rows, err = s.rd.QueryContext(ctx, `SELECT m.queue_id, a.id, a.status, a.call_state, a.active_load, a.capacity
		FROM queue_members m JOIN agents a ON a.id = m.agent_id`+w.sql()+` ORDER BY m.queue_id, a.id`, w.args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var a desk.WallboardAgentRow
		if err := rows.Scan(&a.QueueID, &a.AgentID, &a.Status, &a.CallState, &a.Load, &a.Capacity); err != nil {
			return err
		}
		out.Agents = append(out.Agents, a)
		return nil
	})
	return out, err
}

// eachRow calls fn for each row, then closes rows.
func eachRow(rows *sql.Rows, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}
