package desk

import (
	"context"
	"time"
)

// Session is a signed-in client of an agent. Only the SHA-256 of its token
// is stored, so a leaked database does not leak usable tokens.
type Session struct {
	ID         ID        `json:"id"`
	AgentID    ID        `json:"agent_id"`
	TokenHash  string    `json:"-"`
	Client     string    `json:"client"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	// EnrollRequired restricts the session to 2FA enrollment: its agent's
	// role requires 2FA and the agent has not enrolled yet.
	EnrollRequired bool `json:"enroll_required"`
}

// SessionObserver is told about revoked sessions, so that the real-time
// layer can close their connections (A8: a login elsewhere ends the other
// client's session at once, not at its next request).
type SessionObserver interface {
	// SessionRevoked is called after the session was revoked. It must not
	// block: hand the ID to a goroutine or a buffered channel.
	SessionRevoked(sessionID ID)
}

// SessionObserverFunc adapts a function to SessionObserver.
type SessionObserverFunc func(sessionID ID)

// SessionRevoked calls f.
func (f SessionObserverFunc) SessionRevoked(sessionID ID) { f(sessionID) }

// IntegrationToken lets an integration call the API within its scopes
// (see auth.Scopes; "inbound" posts to the API channel). It acts for the
// admin who created it. Only its hash is stored.
type IntegrationToken struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"`
	Scopes    []string  `json:"scopes"`
	TokenHash string    `json:"-"`
	CreatedBy ID        `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SessionService stores sessions and integration tokens. These methods are
// called by the auth layer and do not scope by actor.
type SessionService interface {
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByTokenHash returns an unexpired session and its agent, or
	// ENOTFOUND.
	FindSessionByTokenHash(ctx context.Context, hash string) (*Session, *Agent, error)
	// TouchSession moves a session's last-seen time and expiry forward.
	TouchSession(ctx context.Context, id ID, seen, expires time.Time) error
	// DeleteSession revokes a session; deleting a missing one is not an error.
	DeleteSession(ctx context.Context, id ID) error
	// DeleteAgentSessions revokes every session of an agent except keep (0
	// keeps none) and returns the revoked sessions' IDs.
	DeleteAgentSessions(ctx context.Context, agentID, keep ID) ([]ID, error)

	// CreateIntegrationToken stores a token (admin only).
	CreateIntegrationToken(ctx context.Context, t *IntegrationToken) error
	// FindIntegrationTokenByHash returns ENOTFOUND if unknown.
	FindIntegrationTokenByHash(ctx context.Context, hash string) (*IntegrationToken, error)
	// FindIntegrationTokens lists tokens (admin only).
	FindIntegrationTokens(ctx context.Context) ([]*IntegrationToken, error)
	// DeleteIntegrationToken revokes a token (admin only).
	DeleteIntegrationToken(ctx context.Context, id ID) error
}

// Store bundles the services a storage backend provides, so the server can
// be wired from one value. Both internal/store/sqlite and
// internal/store/postgres return one.
type Store interface {
	AgentService
	QueueService
	QueueCountService
	CustomerService
	ConversationService
	ConversationStarter
	AttachmentService
	TemplateService
	MacroService
	FormService
	PeopleService
	CardService
	InternalConversationService
	DraftService
	MessageService
	EventService
	SLAService
	NotificationService
	OutOfHoursService
	ReportStore
	WallboardStore
	TagService
	SessionService
	SearchService
	PresenceService
	RoutingService
	AutoAssignService
	BotService
	CallService
	SessionWindowService
	ReplyContextService
	SettingsService
	PushService
	ReplyFailureService
	TwoFactorService
	AuditService
	Generations
	// Ping checks that the store is reachable (readiness).
	Ping(ctx context.Context) error
	// Close releases the store's connections.
	Close() error
}
