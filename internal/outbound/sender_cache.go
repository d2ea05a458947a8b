package outbound

import (
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// senderCacheTTL is how long a channel lookup made without a
// configuration version (a conversation's first message) is reused: an
// admin's change to a channel reaches those within this time, replies at
// once (desk.ReplyContext's version).
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
	// version is the configuration version the lookup was made at (0:
	// unknown); an entry of the version a reply saw needs no TTL.
	version int64
}

// get returns the cached entry or loads and keeps it. With a configuration
// version (desk.ReplyContext), an entry made at that version is current
// (a channel change moves it on every node), one made at another is not;
// without one, entries are reused for senderCacheTTL.
func (c *senderCache) get(kind, sender string, version int64, load func() (*desk.ChannelConfig, desk.Channel, error)) (senderEntry, error) {
	k := senderKey{kind, sender}
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if ok && (version != 0 && e.version == version || version == 0 && now.Sub(e.at) < senderCacheTTL) {
		return e, nil
	}
	cfg, ch, err := load()
	if err != nil {
		return senderEntry{}, err
	}
	e = senderEntry{cfg: cfg, ch: ch, at: now, version: version}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[senderKey]senderEntry{}
	}
	c.entries[k] = e
	c.mu.Unlock()
	return e, nil
}

// channelList keeps every configured channel as read by a reply that saw
// the configuration at version; the zero value is ready to use. The list
// was read after that version was seen, so it is never older than what
// the reply's own read would have answered.
type channelList struct {
	mu      sync.Mutex
	version int64
	all     []*desk.ChannelConfig
}

// get returns the list kept for version or loads it; version 0 always
// loads. The list of the highest version seen is kept.
func (l *channelList) get(version int64, load func() ([]*desk.ChannelConfig, error)) ([]*desk.ChannelConfig, error) {
	if version != 0 {
		l.mu.Lock()
		all, v := l.all, l.version
		l.mu.Unlock()
		if all != nil && v == version {
			return all, nil
		}
	}
	all, err := load()
	if err != nil || version == 0 {
		return all, err
	}
	l.mu.Lock()
	if version >= l.version {
		l.version, l.all = version, all
	}
	l.mu.Unlock()
	return all, nil
}
