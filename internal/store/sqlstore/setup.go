package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SetupNeeded reports whether no admin exists yet (system only).
func (s *Team) SetupNeeded(ctx context.Context) (bool, error) {
	if err := requireSystem(ctx); err != nil {
		return false, err
	}
	var n int
	err := s.rd.QueryRowContext(ctx, `SELECT count(*) FROM agents WHERE role = 'admin'`).Scan(&n)
	return n == 0, err
}

// CompleteSetup creates the first admin and the organisation once: the
// organisation's single row is inserted first, so of two racing setups
// the second fails on it, and an admin made by `user create` refuses it too.
func (s *Team) CompleteSetup(ctx context.Context, admin *desk.Agent, org *desk.Organisation) error {
	if err := requireSystem(ctx); err != nil {
		return err
	}
	admin.Role = desk.RoleAdmin
	if err := admin.Validate(); err != nil {
		return err
	}
	if err := org.Validate(); err != nil {
		return err
	}
	done := &desk.Error{Kind: desk.ECONFLICT, Code: desk.CodeSetupDone, Message: "the first admin exists already: sign in"}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		at := micros(now)
		res, err := tx.ExecContext(ctx, `INSERT INTO organisation (id, name, phone_region, created_at, updated_at) VALUES (1, $1, $2, $3, $3)
			ON CONFLICT (id) DO NOTHING`, org.Name, org.PhoneRegion, at)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return done
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agents WHERE role = 'admin'`).Scan(&admins); err != nil {
			return err
		}
		if admins > 0 {
			return done
		}
		org.CreatedAt, org.UpdatedAt = now, now
		return s.createAgentTx(ctx, tx, admin)
	})
}

// FindOrganisation returns the organisation; ENOTFOUND before setup.
func (s *Team) FindOrganisation(ctx context.Context) (*desk.Organisation, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	var o desk.Organisation
	var created, updated int64
	err := s.rd.QueryRowContext(ctx, `SELECT name, phone_region, created_at, updated_at FROM organisation WHERE id = 1`).
		Scan(&o.Name, &o.PhoneRegion, &created, &updated)
	if isNoRows(err) {
		return nil, notFound("organisation")
	} else if err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &o, nil
}
