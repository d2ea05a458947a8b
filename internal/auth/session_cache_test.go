package auth_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// countingStore counts the token lookups that reach the (real) store.
type countingStore struct {
	auth.Store
	sessions, integrations atomic.Int64
}

func (c *countingStore) FindSessionByTokenHash(ctx context.Context, hash string) (*desk.Session, *desk.Agent, error) {
	c.sessions.Add(1)
	return c.Store.FindSessionByTokenHash(ctx, hash)
}

func (c *countingStore) FindIntegrationTokenByHash(ctx context.Context, hash string) (*desk.IntegrationToken, error) {
	c.integrations.Add(1)
	return c.Store.FindIntegrationTokenByHash(ctx, hash)
}

// TestSessionCache: a token is read from the store once per time limit;
// revocation here, a revocation or agent change reported by another node,
// a deleted integration token and idle expiry all take effect at once.
func TestSessionCache(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	cs := &countingStore{Store: f.a.Store}
	f.a.Store = cs
	cache := f.a.Cache

	s, err := f.login("")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		f.as(s.Token)
	}
	if n := cs.sessions.Load(); n != 1 {
		t.Fatalf("5 requests read the session %d times, want 1", n)
	}
	f.clock.Add(11 * time.Second) // past the cache's 10 s
	id := f.resolve(s.Token)
	if n := cs.sessions.Load(); n != 2 {
		t.Fatalf("after the time limit: %d reads, want 2", n)
	}

	// Another node changed the agent's role: the bus reports it.
	role := desk.RoleSupervisor
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	if _, err := f.st.UpdateAgent(sys, f.agent.ID, desk.AgentUpdate{Role: &role}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.a.Resolve(f.ctx, s.Token); got.Actor.Role != desk.RoleAgent {
		t.Fatalf("without the report the cached role stays until the time limit: %v", got.Actor.Role)
	}
	cache.DropAgent(f.agent.ID)
	if got, _ := f.a.Resolve(f.ctx, s.Token); got.Actor.Role != desk.RoleSupervisor {
		t.Fatalf("role after the agent changed: %v", got.Actor.Role)
	}

	// Another node revoked the session: the store forgets it there and the
	// bus reports it here.
	if err := f.st.DeleteSession(context.Background(), id.SessionID); err != nil {
		t.Fatal(err)
	}
	cache.DropSessions([]desk.ID{id.SessionID})
	if _, err := f.a.Resolve(f.ctx, s.Token); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("session revoked on another node still valid: %v", err)
	}

	// Logout here: at once, no report needed.
	s2, err := f.login("")
	if err != nil {
		t.Fatal(err)
	}
	id2 := f.resolve(s2.Token)
	if err := f.a.Logout(f.as(s2.Token), id2.SessionID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Resolve(f.ctx, s2.Token); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("logged-out session still valid: %v", err)
	}

	// Idle expiry holds for a cached session: used, then idle past the
	// timeout while its entry is (artificially) still fresh.
	s3, _ := f.login("")
	f.as(s3.Token)
	f.clock.Add(61 * time.Minute)
	if _, err := f.a.Resolve(f.ctx, s3.Token); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("idle session still valid: %v", err)
	}

	// Integration tokens: cached, and a deleted one is refused at once.
	tok := auth.NewToken(auth.IntegrationPrefix)
	it := &desk.IntegrationToken{Name: "crm", TokenHash: auth.HashToken(tok), CreatedBy: f.agent.ID}
	if err := f.st.CreateIntegrationToken(sys, it); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got, err := f.a.Resolve(f.ctx, tok); err != nil || !got.Integration {
			t.Fatalf("integration token: %+v %v", got, err)
		}
	}
	if n := cs.integrations.Load(); n != 1 {
		t.Fatalf("3 requests read the integration token %d times, want 1", n)
	}
	if err := f.st.DeleteIntegrationToken(sys, it.ID); err != nil {
		t.Fatal(err)
	}
	cache.DropIntegrationToken(it.ID)
	if _, err := f.a.Resolve(f.ctx, tok); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("deleted integration token still valid: %v", err)
	}
}

// TestSessionCacheBounded: a full cache starts over rather than grow.
func TestSessionCacheBounded(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	f.a.Cache = auth.NewSessionCache(time.Minute, 2)
	cs := &countingStore{Store: f.a.Store}
	f.a.Store = cs
	s, _ := f.login("")
	tokens := []string{s.Token}
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	for _, name := range []string{"a", "b"} {
		tok := auth.NewToken(auth.IntegrationPrefix)
		if err := f.st.CreateIntegrationToken(sys, &desk.IntegrationToken{Name: name, TokenHash: auth.HashToken(tok), CreatedBy: f.agent.ID}); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	for _, tok := range tokens { // the third entry clears the first two
		if _, err := f.a.Resolve(f.ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	f.as(s.Token)
	if n := cs.sessions.Load(); n != 2 {
		t.Fatalf("session read %d times, want 2 (evicted when the cache filled)", n)
	}
}

func (f *fixture) resolve(token string) *auth.Identity {
	f.t.Helper()
	id, err := f.a.Resolve(f.ctx, token)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}
