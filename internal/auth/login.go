package auth

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// LoginRequest is a sign-in attempt. The client's address comes from the
// context (NewContextWithClientIP).
type LoginRequest struct {
	Email    string
	Password string
	// TOTPCode is a 6-digit code or a recovery code; required once the
	// agent enrolled in 2FA.
	TOTPCode string
	// Client names the client (web, mobile) for the session list.
	Client string
}

// Login errors. The credential error is deliberately the same for an
// unknown email and a wrong password; the 2FA errors are only given after
// the password was right.
var (
	errInvalidCredentials = desk.CodedErrorf(desk.EUNAUTHENTICATED, "invalid_credentials", "invalid credentials")
	errTOTPRequired       = &desk.Error{Kind: desk.EUNAUTHENTICATED, Code: "totp_required", Field: "totp_code", Message: "enter the code from your authenticator app"}
	errInvalidTOTP        = &desk.Error{Kind: desk.EUNAUTHENTICATED, Code: "invalid_totp", Field: "totp_code", Message: "the code is not valid"}
)

// Login checks the credentials and the second factor and opens a session,
// revoking the agent's other sessions (A8: one session per agent).
func (a *Authenticator) Login(ctx context.Context, req LoginRequest) (*Session, error) {
	keys := throttleKeys(req.Email, ClientIPFromContext(ctx))
	if a.Throttle != nil {
		check := keys
		if a.Throttle.Known(keys[0]) {
			check = keys[:1] // known here: the address's ceiling does not apply
		}
		if wait, key := a.Throttle.Wait(check...); wait > 0 {
			a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditLoginThrottled, Detail: map[string]any{
				"retry_after_ms": wait.Milliseconds(), "scope": throttleScope(key)}})
			return nil, tooManyAttempts(wait)
		}
	}
	fail := func(agent *desk.Agent, reason string, err error) (*Session, error) {
		if a.Throttle != nil {
			a.Throttle.Fail(keys...)
		}
		e := &desk.AuditEntry{Type: desk.AuditLoginFailed, Detail: map[string]any{"reason": reason}}
		if agent != nil {
			e.AgentID = &agent.ID
		}
		a.Audit(ctx, e)
		return nil, err
	}
	agent, err := a.Store.FindAgentByEmail(ctx, req.Email)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		VerifyPassword(dummyHash, req.Password)
		return fail(nil, "unknown_email", errInvalidCredentials)
	} else if err != nil {
		return nil, err
	}
	if !VerifyPassword(agent.PasswordHash, req.Password) {
		return fail(agent, "password", errInvalidCredentials)
	}
	tf, err := a.Store.FindTwoFactor(ctx, agent.ID)
	if err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
		return nil, err
	}
	enrolled := err == nil && tf.Confirmed
	if enrolled {
		if req.TOTPCode == "" {
			return nil, errTOTPRequired
		}
		if err := a.checkSecondFactor(ctx, tf, req.TOTPCode); err != nil {
			if desk.ErrorCode(err) == errInvalidTOTP.Code {
				return fail(agent, "totp", err)
			}
			return nil, err
		}
	}
	policy, err := a.Store.FindTwoFactorPolicy(ctx)
	if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	s := &desk.Session{AgentID: agent.ID, TokenHash: "", Client: req.Client, ExpiresAt: now.Add(a.IdleTimeout),
		EnrollRequired: !enrolled && policy.Requires(agent.Role)}
	tok := NewToken(SessionPrefix)
	s.TokenHash = HashToken(tok)
	if err := a.Store.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	revoked, err := a.RevokeAgentSessions(ctx, agent.ID, s.ID)
	if err != nil {
		return nil, err
	}
	if a.Throttle != nil {
		a.Throttle.Succeeded(keys[0])
	}
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditLoginSucceeded, ActorID: &agent.ID, AgentID: &agent.ID,
		Detail: map[string]any{"client": req.Client, "second_factor": enrolled, "revoked_sessions": len(revoked)}})
	return &Session{Token: tok, Agent: agent, Expires: s.ExpiresAt, EnrollRequired: s.EnrollRequired}, nil
}

// checkSecondFactor accepts a TOTP code of an unused step or an unused
// recovery code, spending it; anything else is errInvalidTOTP.
func (a *Authenticator) checkSecondFactor(ctx context.Context, tf *desk.TwoFactor, code string) error {
	code = normalizeCode(code)
	if isTOTPCode(code) {
		secret, err := a.openSecret(tf)
		if err != nil {
			return err
		}
		step, ok := matchTOTP(secret, code, a.Clock.Now())
		if !ok {
			return errInvalidTOTP
		}
		err = a.Store.UseTwoFactorStep(ctx, tf.AgentID, step)
		if desk.ErrorKind(err) == desk.ECONFLICT || desk.ErrorKind(err) == desk.ENOTFOUND {
			return errInvalidTOTP // replayed: seen before within the window
		}
		return err
	}
	if len(code) != 16 {
		return errInvalidTOTP
	}
	err := a.Store.UseRecoveryCode(ctx, tf.AgentID, hashRecoveryCode(code))
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return errInvalidTOTP
	} else if err != nil {
		return err
	}
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditRecoveryCodeUsed, ActorID: &tf.AgentID, AgentID: &tf.AgentID,
		Detail: map[string]any{"left": tf.RecoveryCodesLeft - 1}})
	return nil
}

// ChangePassword sets the actor's own password after checking the current
// one, and revokes all the agent's sessions: whoever knew the old password
// is signed out everywhere, this client included.
func (a *Authenticator) ChangePassword(ctx context.Context, current, next string) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	agent, err := a.Store.FindAgentByID(ctx, actor.AgentID)
	if err != nil {
		return err
	}
	keys := throttleKeys(agent.Email, ClientIPFromContext(ctx))
	if a.Throttle != nil {
		if wait, key := a.Throttle.Wait(keys...); wait > 0 {
			a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditLoginThrottled, ActorID: &agent.ID, AgentID: &agent.ID, Detail: map[string]any{
				"retry_after_ms": wait.Milliseconds(), "scope": throttleScope(key), "action": "change_password"}})
			return tooManyAttempts(wait)
		}
	}
	if !VerifyPassword(agent.PasswordHash, current) {
		if a.Throttle != nil {
			a.Throttle.Fail(keys...)
		}
		return &desk.Error{Kind: desk.EINVALID, Code: "invalid_credentials", Field: "current_password", Message: "the current password is wrong"}
	}
	if len(next) < MinPasswordLength {
		return desk.FieldErrorf("new_password", "password must be at least %d characters", MinPasswordLength)
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	if _, err := a.Store.UpdateAgent(sys, agent.ID, desk.AgentUpdate{PasswordHash: &hash}); err != nil {
		return err
	}
	revoked, err := a.RevokeAgentSessions(ctx, agent.ID, 0)
	if err != nil {
		return err
	}
	a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditPasswordChanged, ActorID: &agent.ID, AgentID: &agent.ID,
		Detail: map[string]any{"revoked_sessions": len(revoked)}})
	return nil
}
