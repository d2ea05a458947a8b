package desk

import (
	"context"
	"time"
)

// Audit entry types: the security events recorded (issue 9).
const (
	AuditLoginSucceeded   = "login_succeeded"
	AuditLoginFailed      = "login_failed"
	AuditLoginThrottled   = "login_throttled"
	AuditLogout           = "logout"
	AuditSessionRevoked   = "session_revoked"
	AuditTOTPEnrolled     = "totp_enrolled"
	AuditTOTPDisabled     = "totp_disabled"
	AuditRecoveryCodeUsed = "recovery_code_used"
	AuditTOTPPolicy       = "totp_policy_changed"
	AuditRoleChanged      = "role_changed"
	AuditPasswordChanged  = "password_changed"
	AuditTokenCreated     = "token_created"
	AuditTokenDeleted     = "token_deleted"
	// AuditCustomersMerged: a supervisor united two People profiles.
	AuditCustomersMerged = "customers_merged"
)

// AuditTypes are every audit entry type, in the order of the OpenAPI
// document's AuditEntry type (the security page's filter).
func AuditTypes() []string {
	return []string{AuditLoginSucceeded, AuditLoginFailed, AuditLoginThrottled, AuditLogout, AuditSessionRevoked,
		AuditTOTPEnrolled, AuditTOTPDisabled, AuditRecoveryCodeUsed, AuditTOTPPolicy, AuditRoleChanged,
		AuditPasswordChanged, AuditTokenCreated, AuditTokenDeleted, AuditCustomersMerged}
}

// AuditEntry is one security event. It never holds a secret: no password,
// token or code, only who, whom, from where and what.
type AuditEntry struct {
	ID   ID     `json:"id"`
	Type string `json:"type"`
	// ActorID is the agent who acted; nil for anonymous or system actions
	// (a failed login of an unknown email).
	ActorID *ID `json:"actor_id"`
	// AgentID is the account the event concerns, when one is known.
	AgentID *ID `json:"agent_id"`
	// IP is the client's address as the server saw it.
	IP        string         `json:"ip"`
	Detail    map[string]any `json:"detail"`
	CreatedAt time.Time      `json:"created_at"`
}

// AuditFilter selects audit entries, newest first. Nil fields do not filter.
type AuditFilter struct {
	Type    *string
	AgentID *ID
	Cursor  string
	Limit   int
}

// AuditService keeps the security audit log.
type AuditService interface {
	// CreateAuditEntry appends an entry; written by the server, not scoped.
	CreateAuditEntry(ctx context.Context, e *AuditEntry) error
	// FindAuditEntries lists entries newest first with the next page's
	// cursor (admin only: EFORBIDDEN otherwise).
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, string, error)
}
