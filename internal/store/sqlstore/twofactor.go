package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FindTwoFactor returns the agent's enrollment with its unused recovery
// code count.
func (s *Team) FindTwoFactor(ctx context.Context, agentID desk.ID) (*desk.TwoFactor, error) {
	tf := desk.TwoFactor{AgentID: agentID}
	var created int64
	var confirmed sql.NullInt64
	err := s.rd.QueryRowContext(ctx, `SELECT secret, confirmed, last_step, created_at, confirmed_at,
		(SELECT count(*) FROM totp_recovery_codes c WHERE c.agent_id = t.agent_id)
		FROM agent_totp t WHERE agent_id = $1`, int64(agentID)).
		Scan(&tf.Secret, &tf.Confirmed, &tf.LastStep, &created, &confirmed, &tf.RecoveryCodesLeft)
	if isNoRows(err) {
		return nil, notFound("two-factor enrollment")
	} else if err != nil {
		return nil, err
	}
	tf.CreatedAt, tf.ConfirmedAt = fromMicros(created), nullTime(confirmed)
	return &tf, nil
}

// BeginTwoFactor stores a pending secret unless a confirmed one exists.
func (s *Team) BeginTwoFactor(ctx context.Context, tf *desk.TwoFactor) error {
	tf.CreatedAt, tf.Confirmed, tf.LastStep, tf.ConfirmedAt = s.now(), false, 0, nil
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var confirmed bool
		err := tx.QueryRowContext(ctx, `SELECT confirmed FROM agent_totp WHERE agent_id = $1`, int64(tf.AgentID)).Scan(&confirmed)
		switch {
		case err == nil && confirmed:
			return desk.CodedErrorf(desk.ECONFLICT, "totp_enrolled", "two-factor sign-in is already enabled; disable it first")
		case err != nil && !isNoRows(err):
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent_totp WHERE agent_id = $1`, int64(tf.AgentID)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO agent_totp (agent_id, secret, confirmed, last_step, created_at) VALUES ($1, $2, $3, 0, $4)`,
			int64(tf.AgentID), tf.Secret, false, micros(tf.CreatedAt))
		return err
	})
}

// ConfirmTwoFactor confirms a pending enrollment, stores the recovery
// codes and lifts the enrollment restriction of the agent's sessions, in
// one transaction.
func (s *Team) ConfirmTwoFactor(ctx context.Context, agentID desk.ID, step int64, recoveryHashes []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var confirmed bool
		err := tx.QueryRowContext(ctx, `SELECT confirmed FROM agent_totp WHERE agent_id = $1`, int64(agentID)).Scan(&confirmed)
		if isNoRows(err) {
			return desk.CodedErrorf(desk.ENOTFOUND, "totp_not_enrolled", "start two-factor enrollment first")
		} else if err != nil {
			return err
		} else if confirmed {
			return desk.CodedErrorf(desk.ECONFLICT, "totp_enrolled", "two-factor sign-in is already enabled")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agent_totp SET confirmed = $1, last_step = $2, confirmed_at = $3 WHERE agent_id = $4`,
			true, step, micros(s.now()), int64(agentID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM totp_recovery_codes WHERE agent_id = $1`, int64(agentID)); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO totp_recovery_codes (agent_id, code_hash) VALUES ($1, $2)`, int64(agentID), h); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET enroll_required = $1 WHERE agent_id = $2`, false, int64(agentID))
		return err
	})
}

// UseTwoFactorStep advances last_step with a conditional UPDATE, so two
// concurrent logins (even on two nodes) cannot both use one code.
func (s *Team) UseTwoFactorStep(ctx context.Context, agentID desk.ID, step int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE agent_totp SET last_step = $1 WHERE agent_id = $2 AND confirmed AND last_step < $1`, step, int64(agentID))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := s.FindTwoFactor(ctx, agentID); err != nil {
		return err
	}
	return desk.CodedErrorf(desk.ECONFLICT, "totp_replayed", "this code was already used")
}

// UseRecoveryCode deletes the code: single use by construction.
func (s *Team) UseRecoveryCode(ctx context.Context, agentID desk.ID, hash string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM totp_recovery_codes WHERE agent_id = $1 AND code_hash = $2`, int64(agentID), hash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("recovery code")
	}
	return nil
}

// DeleteTwoFactor removes the enrollment and recovery codes.
func (s *Team) DeleteTwoFactor(ctx context.Context, agentID desk.ID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM totp_recovery_codes WHERE agent_id = $1`, int64(agentID)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM agent_totp WHERE agent_id = $1`, int64(agentID))
		return err
	})
}

// FindTwoFactorPolicy returns the roles that require 2FA, in role order.
func (s *Team) FindTwoFactorPolicy(ctx context.Context) (*desk.TwoFactorPolicy, error) {
	rows, err := s.rd.QueryContext(ctx, `SELECT role FROM totp_required_roles`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[desk.Role]bool{}
	for rows.Next() {
		var r desk.Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		set[r] = true
	}
	p := &desk.TwoFactorPolicy{RequiredRoles: []desk.Role{}}
	for _, r := range []desk.Role{desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin} {
		if set[r] {
			p.RequiredRoles = append(p.RequiredRoles, r)
		}
	}
	return p, rows.Err()
}

// UpdateTwoFactorPolicy replaces the policy (admin only).
func (s *Team) UpdateTwoFactorPolicy(ctx context.Context, p *desk.TwoFactorPolicy) error {
	for _, r := range p.RequiredRoles {
		if !r.Valid() {
			return desk.FieldErrorf("required_roles", "unknown role %q", r)
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM totp_required_roles`); err != nil {
			return err
		}
		for _, r := range p.RequiredRoles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO totp_required_roles (role) VALUES ($1) ON CONFLICT DO NOTHING`, string(r)); err != nil {
				return err
			}
		}
		return nil
	})
}
