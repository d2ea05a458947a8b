package auth

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Store is what the authenticator needs of the store.
type Store interface {
	desk.SessionService
	FindAgentByEmail(ctx context.Context, email string) (*desk.Agent, error)
}

// Authenticator logs agents in and resolves tokens to actors.
type Authenticator struct {
	Store Store
	Clock desk.Clock
	// IdleTimeout ends a session unused for this long (sliding).
	IdleTimeout time.Duration
}

// Session is a successful login.
type Session struct {
	Token   string
	Agent   *desk.Agent
	Expires time.Time
}

// errInvalidCredentials is deliberately the same for an unknown email and a
// wrong password.
var errInvalidCredentials = desk.CodedErrorf(desk.EUNAUTHENTICATED, "invalid_credentials", "invalid credentials")

// Login checks email and password and opens a session.
func (a *Authenticator) Login(ctx context.Context, email, password, client string) (*Session, error) {
	agent, err := a.Store.FindAgentByEmail(ctx, email)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		VerifyPassword(dummyHash, password)
		return nil, errInvalidCredentials
	} else if err != nil {
		return nil, err
	}
	if !VerifyPassword(agent.PasswordHash, password) {
		return nil, errInvalidCredentials
	}
	tok := NewToken(SessionPrefix)
	s := &desk.Session{AgentID: agent.ID, TokenHash: HashToken(tok), Client: client, ExpiresAt: a.Clock.Now().Add(a.IdleTimeout)}
	if err := a.Store.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	return &Session{Token: tok, Agent: agent, Expires: s.ExpiresAt}, nil
}

// Identity is a resolved token.
type Identity struct {
	Actor *desk.Actor
	// SessionID is set for session tokens (for logout).
	SessionID desk.ID
	// Integration is true for integration tokens, which may only post
	// inbound messages.
	Integration bool
}

// Resolve maps a token to its identity or EUNAUTHENTICATED. Session use
// slides the expiry forward, written at most once a minute.
func (a *Authenticator) Resolve(ctx context.Context, token string) (*Identity, error) {
	unauth := desk.Errorf(desk.EUNAUTHENTICATED, "invalid or expired token")
	if token == "" {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "authentication required")
	}
	if IsIntegrationToken(token) {
		t, err := a.Store.FindIntegrationTokenByHash(ctx, HashToken(token))
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil, unauth
		} else if err != nil {
			return nil, err
		}
		return &Identity{Integration: true, Actor: &desk.Actor{Name: "integration:" + t.Name}}, nil
	}
	s, agent, err := a.Store.FindSessionByTokenHash(ctx, HashToken(token))
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, unauth
	} else if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	if now.Sub(s.LastSeenAt) > time.Minute {
		if err := a.Store.TouchSession(ctx, s.ID, now, now.Add(a.IdleTimeout)); err != nil {
			return nil, err
		}
	}
	return &Identity{SessionID: s.ID, Actor: &desk.Actor{AgentID: agent.ID, Name: agent.Name, Role: agent.Role}}, nil
}

// Logout revokes a session.
func (a *Authenticator) Logout(ctx context.Context, sessionID desk.ID) error {
	return a.Store.DeleteSession(ctx, sessionID)
}
