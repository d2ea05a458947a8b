package auth

import (
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SessionCache remembers resolved tokens for a short time, so a busy
// client's requests do not each read its session and agent from the
// store. Revocations and agent changes drop entries at once: the
// authenticator drops what it revokes itself, and every node feeds the
// cache what the bus reports (revoked sessions, updated agents; see
// DropSessions and DropAgent). The time limit bounds what a missed report
// could leave behind.
type SessionCache struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[string]*cachedToken // by token hash
}

// cachedToken is a resolved token: a session with its agent, or an
// integration token.
type cachedToken struct {
	session     desk.Session
	agent       *desk.Agent
	integration *desk.IntegrationToken
	fetched     time.Time
}

// NewSessionCache keeps resolved tokens for ttl, at most max of them (all
// are dropped when it is full). ttl <= 0 caches nothing.
func NewSessionCache(ttl time.Duration, max int) *SessionCache {
	if max <= 0 {
		max = 10000
	}
	return &SessionCache{ttl: ttl, max: max, entries: map[string]*cachedToken{}}
}

// get returns a copy of the fresh entry for hash, if any.
func (c *SessionCache) get(hash string, now time.Time) (cachedToken, bool) {
	if c == nil || c.ttl <= 0 {
		return cachedToken{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[hash]
	if e == nil {
		return cachedToken{}, false
	}
	if now.Sub(e.fetched) >= c.ttl || now.Before(e.fetched) {
		delete(c.entries, hash)
		return cachedToken{}, false
	}
	return *e, true
}

func (c *SessionCache) put(hash string, e cachedToken) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries) // a cache: the next requests fill it again
	}
	c.entries[hash] = &e
}

// touched records a session's new last-seen time and expiry.
func (c *SessionCache) touched(hash string, seen, expires time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[hash]; e != nil {
		e.session.LastSeenAt, e.session.ExpiresAt = seen, expires
	}
}

// DropSessions forgets revoked sessions.
func (c *SessionCache) DropSessions(ids []desk.ID) {
	if c == nil || len(ids) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		for _, id := range ids {
			if e.integration == nil && e.agent != nil && e.session.ID == id {
				delete(c.entries, h)
			}
		}
	}
}

// DropAgent forgets every session of an agent whose record changed (role,
// name, deactivation), and the integration tokens acting for the agent,
// so the next request reads it anew.
func (c *SessionCache) DropAgent(id desk.ID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.agent != nil && e.agent.ID == id {
			delete(c.entries, h)
		}
	}
}

// DropIntegrationToken forgets a deleted integration token.
func (c *SessionCache) DropIntegrationToken(id desk.ID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.integration != nil && e.integration.ID == id {
			delete(c.entries, h)
		}
	}
}
