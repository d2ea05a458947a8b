package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

const queueColumns = `id, name, is_default, auto_assign, return_on_offline, default_senders, created_at, updated_at, bot_url, bot_secret, survey_enabled, agents_assign_colleagues, service_level_seconds`

// ensureDefaultQueue creates the system Default queue on first start (B1).
func (s *Config) ensureDefaultQueue(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		// ON CONFLICT: several nodes may start on one database at once.
		now := micros(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO queues (name, is_default, auto_assign, created_at, updated_at)
			SELECT $1, $2, $3, $4, $4 WHERE NOT EXISTS (SELECT 1 FROM queues WHERE is_default) ON CONFLICT DO NOTHING`,
			desk.DefaultQueueName, true, false, now); err != nil {
			return fmt.Errorf("default queue: %w", err)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM queues WHERE is_default`).Scan(&id); err != nil {
			return fmt.Errorf("default queue: %w", err)
		}
		s.defaultQueue = desk.ID(id)
		return nil
	})
}

func scanQueue(row interface{ Scan(...any) error }, extra ...any) (*desk.Queue, error) {
	var q desk.Queue
	var senders string
	var created, updated int64
	dest := []any{&q.ID, &q.Name, &q.IsDefault, &q.AutoAssign, &q.ReturnOnOffline, &senders, &created, &updated, &q.BotURL, &q.BotSecret, &q.SurveyEnabled, &q.AgentsAssignColleagues, &q.ServiceLevelSeconds}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	q.CreatedAt, q.UpdatedAt = fromMicros(created), fromMicros(updated)
	q.DefaultSenders = map[string]string{}
	if err := scanJSON(senders, &q.DefaultSenders); err != nil {
		return nil, err
	}
	return &q, nil
}

// CreateQueue stores a new queue (supervisor+).
func (s *Config) CreateQueue(ctx context.Context, q *desk.Queue) error {
	keySenders(q.DefaultSenders)
	if err := q.Validate(); err != nil {
		return err
	}
	if q.DefaultSenders == nil {
		q.DefaultSenders = map[string]string{}
	}
	if err := s.checkDefaultSenders(ctx, nil, q.DefaultSenders); err != nil {
		return err
	}
	now := s.now()
	q.CreatedAt, q.UpdatedAt, q.IsDefault = now, now, false
	err := s.w.QueryRowContext(ctx, `INSERT INTO queues (name, is_default, auto_assign, return_on_offline, default_senders, created_at, updated_at, survey_enabled,
		agents_assign_colleagues, service_level_seconds) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9) RETURNING id`,
		q.Name, false, q.AutoAssign, q.ReturnOnOffline, mustJSON(q.DefaultSenders), micros(now), q.SurveyEnabled, q.AgentsAssignColleagues,
		q.ServiceLevelSeconds).Scan(&q.ID)
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return &desk.Error{Kind: desk.ECONFLICT, Code: "name_taken", Field: "name", Message: "a queue with this name exists"}
	} else if err != nil {
		return err
	}
	s.publish(desk.Change{Type: desk.ChangeQueueUpdated, QueueID: q.ID, At: now})
	return nil
}

// FindQueueByID returns one queue; every authenticated actor may read queues.
func (s *Config) FindQueueByID(ctx context.Context, id desk.ID) (*desk.Queue, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	q, err := scanQueue(s.rd.QueryRowContext(ctx, `SELECT `+queueColumns+` FROM queues WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("queue")
	}
	return q, err
}

// FindDefaultQueue returns the system Default queue.
func (s *Config) FindDefaultQueue(ctx context.Context) (*desk.Queue, error) {
	return s.FindQueueByID(ctx, s.defaultQueue)
}

// queueSortKey orders queues: the Default queue first, then by name (C6).
const queueSortKey = `(CASE WHEN q.is_default THEN '0' ELSE '1' END || lower(q.name))`

// FindQueues lists queues, Default first then by name, with keyset
// pagination.
func (s *Config) FindQueues(ctx context.Context, f desk.QueueFilter) ([]*desk.Queue, string, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, "", err
	}
	var w where
	if f.MemberID != nil {
		w.add(`q.id IN (SELECT queue_id FROM queue_members WHERE agent_id = ?)`, int64(*f.MemberID))
	}
	if f.Cursor != "" {
		var c cursor
		if err := c.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		key, _ := c.Key.(string)
		w.add(`(`+queueSortKey+` > ? OR (`+queueSortKey+` = ? AND q.id > ?))`, key, key, c.ID)
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(ctx, `SELECT q.`+strings.ReplaceAll(queueColumns, ", ", ", q.")+`, `+queueSortKey+
		` FROM queues q`+w.sql()+` ORDER BY `+queueSortKey+`, q.id LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []*desk.Queue
	var keys []string
	for rows.Next() {
		var key string
		qu, err := scanQueue(rows, &key)
		if err != nil {
			return nil, "", err
		}
		out, keys = append(out, qu), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{Key: keys[n-1], ID: int64(out[n-1].ID)}.encode()
	}
	return out, next, nil
}

// UpdateQueue changes a queue (supervisor+).
func (s *Config) UpdateQueue(ctx context.Context, id desk.ID, upd desk.QueueUpdate) (*desk.Queue, error) {
	q, err := s.FindQueueByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		q.Name = *upd.Name
	}
	if upd.AutoAssign != nil {
		q.AutoAssign = *upd.AutoAssign
	}
	if upd.ReturnOnOffline != nil {
		q.ReturnOnOffline = *upd.ReturnOnOffline
	}
	if upd.BotURL != nil {
		q.BotURL = strings.TrimSpace(*upd.BotURL)
	}
	if upd.BotSecret != nil {
		q.BotSecret = *upd.BotSecret
	}
	if upd.SurveyEnabled != nil {
		q.SurveyEnabled = *upd.SurveyEnabled
	}
	if upd.AgentsAssignColleagues != nil {
		q.AgentsAssignColleagues = *upd.AgentsAssignColleagues
	}
	if upd.ServiceLevelSeconds != nil {
		q.ServiceLevelSeconds = *upd.ServiceLevelSeconds // 0: back to the default
	}
	if upd.DefaultSenders != nil {
		old := q.DefaultSenders
		q.DefaultSenders = *upd.DefaultSenders
		if q.DefaultSenders == nil {
			q.DefaultSenders = map[string]string{}
		}
		keySenders(q.DefaultSenders)
		if err := s.checkDefaultSenders(ctx, old, q.DefaultSenders); err != nil {
			return nil, err
		}
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	q.UpdatedAt = s.now()
	_, err = s.w.ExecContext(ctx, `UPDATE queues SET name = $1, auto_assign = $2, return_on_offline = $3, default_senders = $4, updated_at = $5,
		bot_url = $6, bot_secret = $7, survey_enabled = $8, agents_assign_colleagues = $9, service_level_seconds = $10 WHERE id = $11`,
		q.Name, q.AutoAssign, q.ReturnOnOffline, mustJSON(q.DefaultSenders), micros(q.UpdatedAt), q.BotURL, q.BotSecret, q.SurveyEnabled,
		q.AgentsAssignColleagues, q.ServiceLevelSeconds, int64(id))
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return nil, &desk.Error{Kind: desk.ECONFLICT, Code: "name_taken", Field: "name", Message: "a queue with this name exists"}
	} else if err != nil {
		return nil, err
	}
	// Turning automatic assignment on starts it on what waits (B3).
	s.publish(desk.Change{Type: desk.ChangeQueueUpdated, QueueID: id, At: q.UpdatedAt})
	return q, nil
}

// DeleteQueue removes an empty, non-default queue (supervisor+).
func (s *Config) DeleteQueue(ctx context.Context, id desk.ID) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var isDefault bool
		if err := tx.QueryRowContext(ctx, `SELECT is_default FROM queues WHERE id = $1`, int64(id)).Scan(&isDefault); isNoRows(err) {
			return notFound("queue")
		} else if err != nil {
			return err
		}
		if isDefault {
			return desk.CodedErrorf(desk.ECONFLICT, "default_queue", "the Default queue cannot be deleted")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE queue_id = $1 AND status <> 'closed'`, int64(id)).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "queue_not_empty", "the queue still holds %d conversations that are not closed; transfer them first", n)
		}
		// Closed conversations (History) outlive their queue in the Default queue.
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET queue_id = $1 WHERE queue_id = $2`, int64(s.defaultQueue), int64(id)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM queues WHERE id = $1`, int64(id))
		return err
	})
	if err == nil {
		// Clients drop the queue from their lists and counts.
		s.publish(desk.Change{Type: desk.ChangeQueueUpdated, QueueID: id, At: s.now()})
	}
	return err
}

// AddQueueMember makes an agent a member (supervisor+); idempotent.
func (s *Config) AddQueueMember(ctx context.Context, queueID, agentID desk.ID) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := existsTx(ctx, tx, "queues", queueID, "queue"); err != nil {
			return err
		}
		if err := existsTx(ctx, tx, "agents", agentID, "agent"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO queue_members (queue_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, int64(queueID), int64(agentID))
		return err
	})
	if err == nil {
		// A new member may take the queue's waiting work (B3).
		s.publish(desk.Change{Type: desk.ChangeQueueMembers, QueueID: queueID, AgentID: agentID, At: s.now()})
	}
	return err
}

// RemoveQueueMember removes a membership; the Default queue keeps everyone.
func (s *Config) RemoveQueueMember(ctx context.Context, queueID, agentID desk.ID) error {
	if queueID == s.defaultQueue {
		return desk.CodedErrorf(desk.ECONFLICT, "default_queue", "every agent is a member of the Default queue")
	}
	res, err := s.w.ExecContext(ctx, `DELETE FROM queue_members WHERE queue_id = $1 AND agent_id = $2`, int64(queueID), int64(agentID))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("membership")
	}
	return nil
}

// existsTx returns ENOTFOUND unless a row with id exists in table.
func existsTx(ctx context.Context, tx *sql.Tx, table string, id desk.ID, what string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, int64(id)).Scan(&one)
	if isNoRows(err) {
		return notFound(what)
	}
	return err
}

// checkDefaultSenders refuses a queue default sender (E4) that no channel
// of its kind owns: a default must be an address Switchboard can send
// from. Entries unchanged from old pass, so a queue whose channel was
// deleted can still be saved (the stale default counts as unavailable
// where it is used, see outbound).
func (s *Config) checkDefaultSenders(ctx context.Context, old, senders map[string]string) error {
	for ch, addr := range senders {
		addr = strings.TrimSpace(addr)
		if addr == "" {
			delete(senders, ch)
			continue
		}
		senders[ch] = addr
		if old != nil && old[ch] == addr {
			continue
		}
		var one int
		err := s.rd.QueryRowContext(ctx, `SELECT 1 FROM channels WHERE kind = $1 AND sender = $2 LIMIT 1`, ch, addr).Scan(&one)
		if isNoRows(err) {
			return &desk.Error{Kind: desk.EINVALID, Code: "unknown_sender", Field: "default_senders",
				Message: "no " + ch + " channel sends from " + addr + ": a default sender must be a configured channel's address",
				Detail:  map[string]any{"channel": ch, "sender": addr}}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// keySenders keys a queue's default senders (E4) as their channels read
// numbers, like the channels' own senders they name.
func keySenders(senders map[string]string) {
	for ch, addr := range senders {
		senders[ch] = phone.Sender(ch, addr, phone.ForChannel(ch, "", ""))
	}
}
