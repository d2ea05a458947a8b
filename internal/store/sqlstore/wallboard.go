package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// WallboardData reads the wallboard's raw figures (issue 23): per queue
// and channel the conversations waiting now (count and oldest start), the
// waits that ended since `since` (queue_waits, written by triggers, read
// from a covering index) and the queues' members with their status, call
// state, load and capacity. It runs when a change touches a queue, never
// per waiting conversation per second.
func (s *Reports) WallboardData(ctx context.Context, ids []desk.ID, since time.Time) (*desk.WallboardData, error) {
	actor, err := desk.RequireActor(ctx)
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

	// The hour's ended waits are read row by row from an index (by end
	// time for every queue, by queue for some) and summed here against
	// each queue's target: a GROUP BY made SQLite walk the whole index in
	// queue order rather than the hour's range.
	target := make(map[int64]int64, len(out.Queues))
	for _, q := range out.Queues {
		target[int64(q.QueueID)] = int64(q.ServiceLevelSeconds) * 1e6
	}
	w = filter("wt.queue_id")
	w.add(`wt.ended_at >= ?`, micros(since))
	rows, err = s.rd.QueryContext(ctx, `SELECT wt.queue_id, wt.channel, wt.outcome, wt.ended_at - wt.started_at FROM queue_waits wt`+w.sql(), w.args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var q, waited int64
		var ch, outcome string
		if err := rows.Scan(&q, &ch, &outcome, &waited); err != nil {
			return err
		}
		limit, ok := target[q]
		if !ok {
			return nil // a queue created since the first read
		}
		r := row(q, ch)
		switch outcome {
		case "answered":
			r.Answered++
			r.AnsweredWait += float64(waited) / 1e6
			if waited <= limit {
				r.AnsweredWithin++
			}
		case "abandoned":
			r.Abandoned++
			if waited > limit {
				r.AbandonedAfter++
			}
		}
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
