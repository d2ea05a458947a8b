package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const agentColumns = `id, email, name, role, capacity, channel_capacity, status, password_hash, created_at, updated_at,
	status_changed_at, last_seen_at, call_state, active_load, accepts_work`

func scanAgent(row interface{ Scan(...any) error }) (*desk.Agent, error) {
	var a desk.Agent
	var cc string
	var created, updated int64
	var changed, seen sql.NullInt64
	if err := row.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.Capacity, &cc, &a.Status, &a.PasswordHash, &created, &updated,
		&changed, &seen, &a.CallState, &a.Load, &a.AcceptsWork); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	a.StatusChangedAt, a.LastSeenAt = nullTime(changed), nullTime(seen)
	a.AutoStatus = desk.DeriveAutoStatus(a.Status, a.CallState, a.Load, a.Capacity)
	a.ChannelCapacity = map[string]int{}
	return &a, scanJSON(cc, &a.ChannelCapacity)
}

// CreateAgent stores an agent (admin only) and joins it to the Default queue.
func (s *Team) CreateAgent(ctx context.Context, a *desk.Agent) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.createAgentTx(ctx, tx, a) })
}

// createAgentTx stores a validated agent, Offline, in the Default queue
// and its own queues.
func (s *Team) createAgentTx(ctx context.Context, tx *sql.Tx, a *desk.Agent) error {
	if a.ChannelCapacity == nil {
		a.ChannelCapacity = map[string]int{}
	}
	// Status is set through the PresenceService; a new agent is Offline.
	a.Status = desk.StatusOffline
	now := s.now()
	a.CreatedAt, a.UpdatedAt = now, now
	err := tx.QueryRowContext(ctx, `INSERT INTO agents (email, name, role, capacity, channel_capacity, status, password_hash, created_at, updated_at, status_changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) RETURNING id`,
		a.Email, a.Name, string(a.Role), a.Capacity, mustJSON(a.ChannelCapacity), a.Status, a.PasswordHash, micros(now)).Scan(&a.ID)
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return &desk.Error{Kind: desk.ECONFLICT, Code: "email_taken", Field: "email", Message: "an account with this email exists"}
	} else if err != nil {
		return err
	}
	if err := openStatusPeriodTx(ctx, tx, a.ID, a.Status, micros(now)); err != nil {
		return err
	}
	a.StatusChangedAt = &now
	ids := append([]desk.ID{s.defaultQueue}, a.QueueIDs...)
	if err := setMembershipTx(ctx, tx, a.ID, ids); err != nil {
		return err
	}
	a.QueueIDs, err = membershipTx(ctx, tx, a.ID)
	return err
}

// setMembershipTx replaces an agent's queues with ids (which must exist).
func setMembershipTx(ctx context.Context, tx *sql.Tx, agentID desk.ID, ids []desk.ID) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM queue_members WHERE agent_id = $1`, int64(agentID)); err != nil {
		return err
	}
	for _, q := range ids {
		if err := existsTx(ctx, tx, "queues", q, "queue"); err != nil {
			return &desk.Error{Kind: desk.EINVALID, Field: "queue_ids", Message: "unknown queue " + q.String()}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_members (queue_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, int64(q), int64(agentID)); err != nil {
			return err
		}
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func membershipTx(ctx context.Context, q querier, agentID desk.ID) ([]desk.ID, error) {
	rows, err := q.QueryContext(ctx, `SELECT queue_id FROM queue_members WHERE agent_id = $1 ORDER BY queue_id`, int64(agentID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []desk.ID{}
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// FindAgentByID returns an agent with its queues.
func (s *Team) FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	a, err := scanAgent(s.rd.QueryRowContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("agent")
	} else if err != nil {
		return nil, err
	}
	a.QueueIDs, err = membershipTx(ctx, s.rd, a.ID)
	return a, err
}

// FindAgentByEmail returns an agent with its password hash, for login.
func (s *Team) FindAgentByEmail(ctx context.Context, email string) (*desk.Agent, error) {
	a, err := scanAgent(s.rd.QueryRowContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
	if isNoRows(err) {
		return nil, notFound("agent")
	} else if err != nil {
		return nil, err
	}
	a.QueueIDs, err = membershipTx(ctx, s.rd, a.ID)
	return a, err
}

// FindAgents lists agents by ID with keyset pagination.
func (s *Team) FindAgents(ctx context.Context, f desk.AgentFilter) ([]*desk.Agent, string, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, "", err
	}
	var w where
	if f.ID != nil {
		w.add("id = ?", int64(*f.ID))
	}
	if f.Email != nil {
		w.add("email = ?", strings.ToLower(*f.Email))
	}
	if f.Role != nil {
		w.add("role = ?", string(*f.Role))
	}
	if f.QueueID != nil {
		w.add("id IN (SELECT agent_id FROM queue_members WHERE queue_id = ?)", int64(*f.QueueID))
	}
	if f.Cursor != "" {
		var c cursor
		if err := c.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		w.add("id > ?", c.ID)
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(ctx, `SELECT `+agentColumns+` FROM agents`+w.sql()+` ORDER BY id LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	var out []*desk.Agent
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{ID: int64(out[n-1].ID)}.encode()
	}
	for _, a := range out {
		if a.QueueIDs, err = membershipTx(ctx, s.rd, a.ID); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// UpdateAgent changes an agent. Who may change which fields of whom is
// access.CheckAgentUpdate's rule, checked before the store is called.
func (s *Team) UpdateAgent(ctx context.Context, id desk.ID, upd desk.AgentUpdate) (*desk.Agent, error) {
	var a *desk.Agent
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanAgent(tx.QueryRowContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE id = $1`, int64(id)))
		if isNoRows(err) {
			return notFound("agent")
		} else if err != nil {
			return err
		}
		if upd.Name != nil {
			a.Name = *upd.Name
		}
		if upd.Role != nil {
			a.Role = *upd.Role
		}
		if upd.Capacity != nil {
			a.Capacity = *upd.Capacity
		}
		if upd.ChannelCapacity != nil {
			a.ChannelCapacity = *upd.ChannelCapacity
		}
		if upd.PasswordHash != nil {
			a.PasswordHash = *upd.PasswordHash
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if a.ChannelCapacity == nil {
			a.ChannelCapacity = map[string]int{}
		}
		a.UpdatedAt = s.now()
		a.AutoStatus = desk.DeriveAutoStatus(a.Status, a.CallState, a.Load, a.Capacity)
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET name = $1, role = $2, capacity = $3, channel_capacity = $4, status = $5, password_hash = $6, updated_at = $7, activity_at = $7 WHERE id = $8`,
			a.Name, string(a.Role), a.Capacity, mustJSON(a.ChannelCapacity), a.Status, a.PasswordHash, micros(a.UpdatedAt), int64(id)); err != nil {
			return err
		}
		if upd.QueueIDs != nil {
			if err := setMembershipTx(ctx, tx, id, append([]desk.ID{s.defaultQueue}, (*upd.QueueIDs)...)); err != nil {
				return err
			}
		}
		a.QueueIDs, err = membershipTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	// New capacity or new queues may let the agent take waiting work.
	s.publish(desk.Change{Type: desk.ChangeAgentUpdated, AgentID: a.ID, QueueIDs: a.QueueIDs, Status: a.Status, At: a.UpdatedAt})
	return a, nil
}
