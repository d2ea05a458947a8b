package auth

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// errInvalidCode is a wrong code given to confirm or disable 2FA (a field
// error of a signed-in agent, unlike the login's 401 invalid_totp).
var errInvalidCode = &desk.Error{Kind: desk.EINVALID, Code: "invalid_totp", Field: "code", Message: "the code is not valid"}

// codeAttempt throttles code guessing by a signed-in session (a stolen
// cookie must not brute-force the code that disables 2FA) with a bucket
// per agent, sized like the account buckets of logins. It returns the key.
func (a *Authenticator) codeAttempt(ctx context.Context, agentID desk.ID) (string, error) {
	key := "account-id:" + agentID.String()
	if a.Throttle != nil {
		if wait, _ := a.Throttle.Wait(key); wait > 0 {
			a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditLoginThrottled, ActorID: &agentID, AgentID: &agentID, Detail: map[string]any{
				"retry_after_ms": wait.Milliseconds(), "scope": "agent", "action": "two_factor_code"}})
			return key, tooManyAttempts(wait)
		}
	}
	return key, nil
}

// codeFailed records a wrong code against the bucket.
func (a *Authenticator) codeFailed(key string) {
	if a.Throttle != nil {
		a.Throttle.Fail(key)
	}
}

// TwoFactorStatus is what an agent sees of their own 2FA.
type TwoFactorStatus struct {
	// Enabled is true once enrollment was confirmed.
	Enabled bool `json:"enabled"`
	// Required is true when the agent's role requires 2FA.
	Required          bool `json:"required"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
}

// TwoFactorStatus returns the actor's 2FA state.
func (a *Authenticator) TwoFactorStatus(ctx context.Context) (*TwoFactorStatus, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	p, err := a.Store.FindTwoFactorPolicy(ctx)
	if err != nil {
		return nil, err
	}
	st := &TwoFactorStatus{Required: p.Requires(actor.Role)}
	tf, err := a.Store.FindTwoFactor(ctx, actor.AgentID)
	if err == nil && tf.Confirmed {
		st.Enabled, st.RecoveryCodesLeft = true, tf.RecoveryCodesLeft
	} else if err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
		return nil, err
	}
	return st, nil
}

// EnrollTOTP starts (or restarts) the actor's enrollment with a new
// secret. Returns ECONFLICT (totp_enrolled) if 2FA is already enabled.
func (a *Authenticator) EnrollTOTP(ctx context.Context) (*Enrollment, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	agent, err := a.Store.FindAgentByID(ctx, actor.AgentID)
	if err != nil {
		return nil, err
	}
	en, err := newEnrollment(agent.Email, a.rand())
	if err != nil {
		return nil, err
	}
	if err := a.Store.BeginTwoFactor(ctx, &desk.TwoFactor{AgentID: agent.ID, Secret: a.sealSecret(en.Secret, agent.ID)}); err != nil {
		return nil, err
	}
	return en, nil
}

// ConfirmTOTP enables 2FA when code is valid for the pending secret and
// returns the recovery codes, shown this once. Returns EINVALID
// (invalid_totp, field code) for a wrong code.
func (a *Authenticator) ConfirmTOTP(ctx context.Context, code string) ([]string, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	tf, err := a.Store.FindTwoFactor(ctx, actor.AgentID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, desk.CodedErrorf(desk.ENOTFOUND, "totp_not_enrolled", "start two-factor enrollment first")
	} else if err != nil {
		return nil, err
	} else if tf.Confirmed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "totp_enrolled", "two-factor sign-in is already enabled")
	}
	key, err := a.codeAttempt(ctx, actor.AgentID)
	if err != nil {
		return nil, err
	}
	secret, err := a.openSecret(tf)
	if err != nil {
		return nil, err
	}
	step, ok := matchTOTP(secret, normalizeCode(code), a.Clock.Now())
	if !ok {
		a.codeFailed(key)
		return nil, errInvalidCode
	}
	codes, hashes := newRecoveryCodes(RecoveryCodeCount)
	if err := a.Store.ConfirmTwoFactor(ctx, actor.AgentID, step, hashes); err != nil {
		return nil, err
	}
	a.Cache.DropAgent(actor.AgentID) // its sessions are no longer limited to enrollment
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditTOTPEnrolled, ActorID: &actor.AgentID, AgentID: &actor.AgentID})
	return codes, nil
}

// DisableTOTP turns the actor's 2FA off, given a valid code (TOTP or
// recovery). Refused with ECONFLICT (totp_required_by_policy) when the
// role requires 2FA.
func (a *Authenticator) DisableTOTP(ctx context.Context, code string) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	p, err := a.Store.FindTwoFactorPolicy(ctx)
	if err != nil {
		return err
	} else if p.Requires(actor.Role) {
		return desk.CodedErrorf(desk.ECONFLICT, "totp_required_by_policy", "two-factor sign-in is required for your role")
	}
	tf, err := a.Store.FindTwoFactor(ctx, actor.AgentID)
	if desk.ErrorKind(err) == desk.ENOTFOUND || (err == nil && !tf.Confirmed) {
		return desk.CodedErrorf(desk.ENOTFOUND, "totp_not_enrolled", "two-factor sign-in is not enabled")
	} else if err != nil {
		return err
	}
	key, err := a.codeAttempt(ctx, actor.AgentID)
	if err != nil {
		return err
	}
	if err := a.checkSecondFactor(ctx, tf, code); err != nil {
		if desk.ErrorCode(err) == errInvalidTOTP.Code {
			a.codeFailed(key)
			return errInvalidCode
		}
		return err
	}
	if err := a.Store.DeleteTwoFactor(ctx, actor.AgentID); err != nil {
		return err
	}
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditTOTPDisabled, ActorID: &actor.AgentID, AgentID: &actor.AgentID})
	return nil
}

// ResetTOTP removes another agent's 2FA (admin only), for a lost phone
// with no recovery codes left, and signs that agent out everywhere.
func (a *Authenticator) ResetTOTP(ctx context.Context, agentID desk.ID) error {
	actor, err := desk.RequireRole(ctx, desk.RoleAdmin)
	if err != nil {
		return err
	}
	if _, err := a.Store.FindAgentByID(ctx, agentID); err != nil {
		return err
	}
	if err := a.Store.DeleteTwoFactor(ctx, agentID); err != nil {
		return err
	}
	if _, err := a.RevokeAgentSessions(ctx, agentID, 0); err != nil {
		return err
	}
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditTOTPDisabled, ActorID: &actor.AgentID, AgentID: &agentID, Detail: map[string]any{"reset_by_admin": true}})
	return nil
}

// UpdateTwoFactorPolicy sets the per-role requirement (admin only) and
// audits the change.
func (a *Authenticator) UpdateTwoFactorPolicy(ctx context.Context, p *desk.TwoFactorPolicy) error {
	if err := a.Store.UpdateTwoFactorPolicy(ctx, p); err != nil {
		return err
	}
	actor := desk.ActorFromContext(ctx)
	roles := make([]string, len(p.RequiredRoles))
	for i, r := range p.RequiredRoles {
		roles[i] = string(r)
	}
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditTOTPPolicy, ActorID: &actor.AgentID, Detail: map[string]any{"required_roles": roles}})
	return nil
}
