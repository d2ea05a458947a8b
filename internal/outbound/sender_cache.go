package outbound

import (
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// senderCacheTTL is how long a channel lookup is reused: an admin's change
// to a channel reaches replies within this time.
const senderCacheTTL = 5 * time.Second

// senderCache remembers which configured channel (and its adapter) sends
// for a kind and sender address; the zero value is ready to use. Lookups
// that fail are not kept.
type senderCache struct {
	mu      sync.Mutex
	entries map[senderKey]senderEntry
}

type senderKey struct{ kind, sender string }

type senderEntry struct {
	cfg *desk.ChannelConfig // nil: no channel configured for the kind
	ch  desk.Channel
	at  time.Time
}

// get returns the cached entry or loads and keeps it.
func (c *senderCache) get(kind, sender string, load func() (*desk.ChannelConfig, desk.Channel, error)) (senderEntry, error) {
	k := senderKey{kind, sender}
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < senderCacheTTL {
		return e, nil
	}
	cfg, ch, err := load()
	if err != nil {
		return senderEntry{}, err
	}
	e = senderEntry{cfg: cfg, ch: ch, at: now}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[senderKey]senderEntry{}
	}
	c.entries[k] = e
	c.mu.Unlock()
	return e, nil
}
