package desk

import (
	"context"
	"time"
)

// TwoFactor is an agent's TOTP enrollment (J1). The secret is kept because
// codes are computed from it; recovery codes are kept only as hashes.
type TwoFactor struct {
	AgentID ID `json:"agent_id"`
	// Secret is the base32 shared secret. Never serialized.
	Secret string `json:"-"`
	// Confirmed is set once the agent proved possession with a first code;
	// only a confirmed enrollment is asked for at login.
	Confirmed bool `json:"confirmed"`
	// LastStep is the last accepted RFC 6238 time step: a code of this step
	// or an earlier one is refused, so an observed code cannot be replayed.
	LastStep    int64      `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
	// RecoveryCodesLeft counts the unused recovery codes.
	RecoveryCodesLeft int `json:"recovery_codes_left"`
}

// TwoFactorPolicy is the per-role "2FA required" setting. An agent whose
// role requires 2FA and who has not enrolled may, after the password, only
// enroll (code totp_enrollment_required elsewhere).
type TwoFactorPolicy struct {
	RequiredRoles []Role `json:"required_roles"`
}

// Requires reports whether the policy requires 2FA of role r.
func (p *TwoFactorPolicy) Requires(r Role) bool {
	for _, x := range p.RequiredRoles {
		if x == r {
			return true
		}
	}
	return false
}

// TwoFactorService stores enrollments and the policy. Except for the policy
// update, its methods are called by the auth layer and do not scope by actor.
type TwoFactorService interface {
	// FindTwoFactor returns the agent's enrollment, or ENOTFOUND if none
	// was begun.
	FindTwoFactor(ctx context.Context, agentID ID) (*TwoFactor, error)
	// BeginTwoFactor stores a pending secret, replacing a pending one.
	// Returns ECONFLICT (code totp_enrolled) if a confirmed one exists.
	BeginTwoFactor(ctx context.Context, tf *TwoFactor) error
	// ConfirmTwoFactor confirms a pending enrollment whose code of the given
	// step was verified, stores the recovery code hashes and lifts the
	// enrollment restriction of the agent's sessions. Returns ENOTFOUND
	// without a pending enrollment, ECONFLICT if already confirmed.
	ConfirmTwoFactor(ctx context.Context, agentID ID, step int64, recoveryHashes []string) error
	// UseTwoFactorStep records step as used, atomically: ECONFLICT (code
	// totp_replayed) if it is not later than the last used step, ENOTFOUND
	// without a confirmed enrollment.
	UseTwoFactorStep(ctx context.Context, agentID ID, step int64) error
	// UseRecoveryCode consumes a recovery code given by its hash; ENOTFOUND
	// if unknown or already used.
	UseRecoveryCode(ctx context.Context, agentID ID, hash string) error
	// DeleteTwoFactor removes the enrollment and its recovery codes; a
	// missing one is not an error.
	DeleteTwoFactor(ctx context.Context, agentID ID) error
	// FindTwoFactorPolicy returns the per-role policy.
	FindTwoFactorPolicy(ctx context.Context) (*TwoFactorPolicy, error)
	// UpdateTwoFactorPolicy replaces the policy (admin only). Returns
	// EFORBIDDEN, EINVALID (field required_roles).
	UpdateTwoFactorPolicy(ctx context.Context, p *TwoFactorPolicy) error
}
