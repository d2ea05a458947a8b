package http

import (
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// channelCacheTTL is how long a webhook reuses a channel's configuration
// and adapter: another node's change to a channel reaches this node's
// webhooks within it (this node's own changes at once, see forget).
const channelCacheTTL = 5 * time.Second

// channelCache keeps configured channels and their adapters by ID for the
// webhook path, which otherwise reads the channel row and builds the
// adapter on every provider request (about 40 % of a webhook's server CPU
// under bench webhook). Only channels found are kept, so unknown IDs in
// URLs cannot grow it. The zero value is ready to use.
type channelCache struct {
	mu      sync.Mutex
	entries map[desk.ID]channelEntry
}

type channelEntry struct {
	cfg *desk.ChannelConfig
	ch  desk.Channel
	at  time.Time
}

// get returns the cached channel or loads and keeps it.
func (c *channelCache) get(id desk.ID, load func() (*desk.ChannelConfig, desk.Channel, error)) (*desk.ChannelConfig, desk.Channel, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < channelCacheTTL {
		return e.cfg, e.ch, nil
	}
	cfg, ch, err := load()
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[desk.ID]channelEntry{}
	}
	c.entries[id] = channelEntry{cfg: cfg, ch: ch, at: now}
	c.mu.Unlock()
	return cfg, ch, nil
}

// forget drops a channel changed or deleted on this node.
func (c *channelCache) forget(id desk.ID) {
	c.mu.Lock()
	delete(c.entries, id)
	c.mu.Unlock()
}
