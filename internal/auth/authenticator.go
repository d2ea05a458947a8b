package auth

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Store is what the authenticator needs of the store.
type Store interface {
	desk.SessionService
	desk.TwoFactorService
	desk.AuditService
	FindAgentByEmail(ctx context.Context, email string) (*desk.Agent, error)
	FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error)
	UpdateAgent(ctx context.Context, id desk.ID, upd desk.AgentUpdate) (*desk.Agent, error)
}

// Authenticator signs agents in and out, resolves tokens to actors, and
// owns the second factor, the one-session rule (A8) and the audit of all
// of it.
type Authenticator struct {
	Store Store
	Clock desk.Clock
	// IdleTimeout ends a session unused for this long (sliding).
	IdleTimeout time.Duration
	// MaxAge ends a session this long after sign-in however active it is;
	// 0 means no absolute limit.
	MaxAge time.Duration
	// Throttle limits failed attempts; nil allows any number.
	Throttle *Throttle
	// Observer is told about every revoked session; may be nil.
	Observer desk.SessionObserver
	// Logger receives security events (never secrets); nil discards.
	Logger *slog.Logger
	// Rand is the source of TOTP secrets; nil uses crypto/rand.
	Rand io.Reader
	// Secrets seals TOTP secrets at rest; nil stores them in the clear.
	Secrets *SecretBox
	// Cache remembers resolved tokens briefly; nil reads the store on
	// every request.
	Cache *SessionCache
}

// Session is a successful login.
type Session struct {
	Token   string
	Agent   *desk.Agent
	Expires time.Time
	// EnrollRequired says the agent must enroll in 2FA before anything
	// else (the role's policy requires it).
	EnrollRequired bool
}

// Identity is a resolved token.
type Identity struct {
	Actor *desk.Actor
	// SessionID is set for session tokens (for logout).
	SessionID desk.ID
	// Integration is true for integration tokens, which reach only the
	// routes of their Scopes; they act for the admin who created them.
	Integration bool
	Scopes      []string
	// EnrollRequired restricts the session to 2FA enrollment.
	EnrollRequired bool
}

// Resolve maps a token to its identity or EUNAUTHENTICATED. Session use
// slides the expiry forward, written at most once a minute.
func (a *Authenticator) Resolve(ctx context.Context, token string) (*Identity, error) {
	unauth := desk.Errorf(desk.EUNAUTHENTICATED, "invalid or expired token")
	if token == "" {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "authentication required")
	}
	hash := HashToken(token)
	now := a.Clock.Now()
	e, ok := a.Cache.get(hash, now)
	if !ok {
		var err error
		if e, err = a.lookup(ctx, token, hash); desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil, unauth
		} else if err != nil {
			return nil, err
		}
		e.fetched = now
		a.Cache.put(hash, e)
	}
	if t := e.integration; t != nil {
		// The token acts for its creator with the creator's current role
		// (none once the creator is gone), within its scopes.
		actor := &desk.Actor{Name: "integration:" + t.Name}
		if e.agent != nil {
			actor.AgentID, actor.Role = e.agent.ID, e.agent.Role
		}
		return &Identity{Integration: true, Scopes: t.Scopes, Actor: actor}, nil
	}
	s, agent := &e.session, e.agent
	if !now.Before(s.ExpiresAt) {
		a.Cache.DropSessions([]desk.ID{s.ID})
		return nil, unauth
	}
	if a.MaxAge > 0 && now.Sub(s.CreatedAt) > a.MaxAge {
		a.revoke(ctx, s.ID)
		return nil, unauth
	}
	if now.Sub(s.LastSeenAt) > time.Minute {
		expires := now.Add(a.IdleTimeout)
		if err := a.Store.TouchSession(ctx, s.ID, now, expires); err != nil {
			return nil, err
		}
		a.Cache.touched(hash, now, expires)
	}
	return &Identity{SessionID: s.ID, EnrollRequired: s.EnrollRequired,
		Actor: &desk.Actor{AgentID: agent.ID, Name: agent.Name, Role: agent.Role}}, nil
}

// lookup reads a token from the store.
func (a *Authenticator) lookup(ctx context.Context, token, hash string) (cachedToken, error) {
	if IsIntegrationToken(token) {
		t, err := a.Store.FindIntegrationTokenByHash(ctx, hash)
		if err != nil {
			return cachedToken{}, err
		}
		creator, err := a.Store.FindAgentByID(desk.NewContextWithActor(ctx, desk.SystemActor), t.CreatedBy)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			creator, err = nil, nil
		}
		if err != nil {
			return cachedToken{}, err
		}
		return cachedToken{integration: t, agent: creator}, nil
	}
	s, agent, err := a.Store.FindSessionByTokenHash(ctx, hash)
	if err != nil {
		return cachedToken{}, err
	}
	return cachedToken{session: *s, agent: agent}, nil
}

// Logout revokes the session of the context's identity.
func (a *Authenticator) Logout(ctx context.Context, sessionID desk.ID) error {
	if err := a.Store.DeleteSession(ctx, sessionID); err != nil {
		return err
	}
	a.notify(sessionID)
	actor := desk.ActorFromContext(ctx)
	if actor != nil {
		a.Audit(ctx, &desk.AuditEntry{Type: desk.AuditLogout, ActorID: &actor.AgentID, AgentID: &actor.AgentID})
	}
	return nil
}

// RevokeAgentSessions revokes every session of an agent except keep (0
// keeps none) and tells the observer.
func (a *Authenticator) RevokeAgentSessions(ctx context.Context, agentID, keep desk.ID) ([]desk.ID, error) {
	ids, err := a.Store.DeleteAgentSessions(ctx, agentID, keep)
	for _, id := range ids {
		a.notify(id)
	}
	return ids, err
}

// AgentChanged drops what the cache holds of an agent whose record (role,
// name) changed; other nodes hear of it through the bus.
func (a *Authenticator) AgentChanged(id desk.ID) { a.Cache.DropAgent(id) }

// revoke deletes one session, best effort (it is refused anyway).
func (a *Authenticator) revoke(ctx context.Context, id desk.ID) {
	if err := a.Store.DeleteSession(ctx, id); err != nil {
		a.logger().Warn("revoke session", "session_id", id.String(), "err", err)
		return
	}
	a.notify(id)
}

func (a *Authenticator) notify(id desk.ID) {
	a.Cache.DropSessions([]desk.ID{id})
	if a.Observer != nil {
		a.Observer.SessionRevoked(id)
	}
}

// Audit appends a security event, filling the client address from the
// context. A failed write is logged, not returned: the action it records
// has already happened.
func (a *Authenticator) Audit(ctx context.Context, e *desk.AuditEntry) {
	if e.IP == "" {
		e.IP = ClientIPFromContext(ctx)
	}
	if err := a.Store.CreateAuditEntry(ctx, e); err != nil {
		a.logger().Error("audit write failed", "type", e.Type, "err", err)
		return
	}
	a.logger().Info("security event", "type", e.Type, "agent_id", idString(e.AgentID), "actor_id", idString(e.ActorID), "ip", e.IP)
}

func idString(id *desk.ID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

func (a *Authenticator) logger() *slog.Logger {
	if a.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Logger
}

func (a *Authenticator) rand() io.Reader {
	if a.Rand == nil {
		return rand.Reader
	}
	return a.Rand
}

type clientIPKey struct{}

// NewContextWithClientIP returns ctx carrying the client's address, which
// throttling and the audit log use.
func NewContextWithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIPFromContext returns the client address of ctx, or "".
func ClientIPFromContext(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}
