package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func scanCustomStatus(row interface{ Scan(...any) error }) (*desk.CustomStatus, error) {
	var c desk.CustomStatus
	var created int64
	if err := row.Scan(&c.ID, &c.Name, &c.AllowsWork, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(created)
	return &c, nil
}

// CreateCustomStatus adds a supervisor-defined status (A4).
func (s *Config) CreateCustomStatus(ctx context.Context, c *desk.CustomStatus) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.CreatedAt = s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO custom_statuses (name, allows_work, created_at) VALUES ($1, $2, $3) RETURNING id`,
			c.Name, c.AllowsWork, micros(c.CreatedAt)).Scan(&c.ID)
		if err != nil && s.dialect.IsUniqueViolation(err) {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "status_taken", Field: "name", Message: "a status with this name exists"}
		}
		return err
	})
}

// FindCustomStatuses lists custom statuses by name.
func (s *Config) FindCustomStatuses(ctx context.Context) ([]*desk.CustomStatus, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT id, name, allows_work, created_at FROM custom_statuses ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.CustomStatus{}
	for rows.Next() {
		c, err := scanCustomStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCustomStatus renames a custom status or changes whether it allows
// work; agents in it are renamed along and their eligibility recomputed.
func (s *Config) UpdateCustomStatus(ctx context.Context, id desk.ID, upd desk.CustomStatusUpdate) (*desk.CustomStatus, error) {
	var c *desk.CustomStatus
	var affected []desk.ID
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanCustomStatus(tx.QueryRowContext(ctx, `SELECT id, name, allows_work, created_at FROM custom_statuses WHERE id = $1`, int64(id)))
		if isNoRows(err) {
			return notFound("status")
		} else if err != nil {
			return err
		}
		old := c.Name
		if upd.Name != nil {
			c.Name = *upd.Name
		}
		if upd.AllowsWork != nil {
			c.AllowsWork = *upd.AllowsWork
		}
		if err := c.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE custom_statuses SET name = $1, allows_work = $2 WHERE id = $3`, c.Name, c.AllowsWork, int64(id))
		if err != nil && s.dialect.IsUniqueViolation(err) {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "status_taken", Field: "name", Message: "a status with this name exists"}
		} else if err != nil {
			return err
		}
		// The logs are renamed first; the agents' update then opens a
		// period under the new name (A6), stamped now.
		for _, log := range []string{"agent_status_log", "agent_activity_log"} {
			if _, err := tx.ExecContext(ctx, `UPDATE `+log+` SET status = $1 WHERE status = $2`, c.Name, old); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET status = $1, activity_at = $3 WHERE status = $2`, c.Name, old, micros(s.now())); err != nil {
			return err
		}
		if err := refreshAcceptsWorkTx(ctx, tx, `status = $1`, c.Name); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM agents WHERE status = $1`, c.Name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a desk.ID
			if err := rows.Scan(&a); err != nil {
				return err
			}
			affected = append(affected, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// Agents in a status that now allows work may take waiting work.
	var changes []desk.Change
	for _, a := range affected {
		if q, err := membershipTx(ctx, s.rd, a); err == nil {
			changes = append(changes, desk.Change{Type: desk.ChangeAgentStatus, AgentID: a, QueueIDs: q, Status: c.Name, At: s.now()})
		}
	}
	s.publish(changes...)
	return c, nil
}

// DeleteCustomStatus removes a custom status nobody is in.
func (s *Config) DeleteCustomStatus(ctx context.Context, id desk.ID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM custom_statuses WHERE id = $1`, int64(id)).Scan(&name); isNoRows(err) {
			return notFound("status")
		} else if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agents WHERE status = $1`, name).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "status_in_use", "%d agents are in this status", n)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM custom_statuses WHERE id = $1`, int64(id))
		return err
	})
}
