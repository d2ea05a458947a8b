package phone

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// memo remembers the results of libphonenumber's parsing, which costs
// tens of microseconds a number and ran several times for every inbound
// message (keyed by the HTTP layer and the store, formatted for display
// inside the ingest transaction) while the same numbers recur message
// after message. The results are pure functions of their input; the
// memo is dropped whole when it grows past memoMax entries.
type memo struct {
	m sync.Map
	n atomic.Int64
}

// memoMax bounds a memo: a few MB at most.
const memoMax = 50000

type validResult struct {
	key string
	ok  bool
}

var (
	validMemo   memo
	displayMemo memo
)

func (c *memo) load(k string) (any, bool) { return c.m.Load(k) }

func (c *memo) store(k string, v any) {
	if c.n.Add(1) > memoMax {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(k, v)
}

// CachedChannels wraps a channel lookup (Book.Channels) so that the
// country of a kind and sender is read from the store at most once per
// ttl: every inbound message asked it, a query each, though channels'
// settings change rarely. Errors are not cached.
func CachedChannels(find func(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error), ttl time.Duration) func(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error) {
	type entry struct {
		cfg *desk.ChannelConfig
		at  time.Time
	}
	var mu sync.Mutex
	cache := map[string]entry{}
	return func(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error) {
		k := kind + "\x00" + sender
		now := time.Now()
		mu.Lock()
		e, ok := cache[k]
		mu.Unlock()
		if ok && now.Sub(e.at) < ttl {
			if e.cfg == nil {
				return nil, desk.Errorf(desk.ENOTFOUND, "no such channel")
			}
			return e.cfg, nil
		}
		cfg, err := find(ctx, kind, sender)
		if err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
			return nil, err
		}
		mu.Lock()
		if len(cache) > memoMax {
			clear(cache)
		}
		cache[k] = entry{cfg: cfg, at: now}
		mu.Unlock()
		if cfg == nil {
			return nil, err
		}
		return cfg, nil
	}
}
