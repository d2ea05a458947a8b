package livechat

import (
	"math"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// What the rate limits count.
const (
	limitSessions      = "sessions"      // new visitors (a hello without a valid token)
	limitConversations = "conversations" // first messages of a visitor without a thread
	limitMessages      = "messages"      // messages and files
)

// Limits are a Live Chat channel's rate limits, per minute, per client
// address and for the whole channel. Each is a token bucket: that many at
// once, refilled evenly over a minute. Settings (per channel) override the
// defaults: rate_sessions_per_address, rate_conversations_per_address,
// rate_messages_per_address, rate_sessions_per_channel,
// rate_conversations_per_channel, rate_messages_per_channel.
type Limits struct {
	PerAddress map[string]int
	PerChannel map[string]int
}

// DefaultLimits: an address may start 10 visitor sessions, 5
// conversations and send 30 messages a minute; a channel takes 600, 300
// and 3,000.
func DefaultLimits() Limits {
	return Limits{
		PerAddress: map[string]int{limitSessions: 10, limitConversations: 5, limitMessages: 30},
		PerChannel: map[string]int{limitSessions: 600, limitConversations: 300, limitMessages: 3000},
	}
}

// limitsOf reads a channel's settings over the defaults.
func limitsOf(settings map[string]string) (Limits, error) {
	l := DefaultLimits()
	for _, scope := range []string{"address", "channel"} {
		m := l.PerAddress
		if scope == "channel" {
			m = l.PerChannel
		}
		for _, kind := range []string{limitSessions, limitConversations, limitMessages} {
			key := "rate_" + kind + "_per_" + scope
			if v := settings[key]; v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 1_000_000 {
					return l, desk.FieldErrorf("settings", "%s must be a whole number of at least 1 (per minute)", key)
				}
				m[kind] = n
			}
		}
	}
	return l, nil
}

// maxLimiterKeys bounds the limiters held per hub.
const maxLimiterKeys = 20000

// limiters holds the buckets of every Live Chat channel of a node (the hub
// outlives the adapters, which are rebuilt when a channel changes).
type limiters struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

// allow takes one of kind for the channel and the address, or returns how
// long to wait; it takes nothing when refused.
func (ls *limiters) allow(channel desk.ID, lim Limits, kind, addr string, now time.Time) time.Duration {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.m == nil {
		ls.m = map[string]*rate.Limiter{}
	}
	if addr != "" {
		if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
			p, _ := a.Prefix(64) // one host holds a /64
			addr = p.String()
		}
	}
	keys := []struct {
		key string
		n   int
	}{{channel.String() + "|" + kind, lim.PerChannel[kind]}}
	if addr != "" {
		keys = append(keys, struct {
			key string
			n   int
		}{channel.String() + "|" + kind + "|" + addr, lim.PerAddress[kind]})
	}
	var rs []*rate.Reservation
	var wait time.Duration
	for _, k := range keys {
		l := ls.m[k.key]
		if l == nil || l.Burst() != k.n {
			if len(ls.m) >= maxLimiterKeys {
				ls.sweep(now)
			}
			l = rate.NewLimiter(rate.Every(time.Minute/time.Duration(k.n)), k.n)
			ls.m[k.key] = l
		}
		r := l.ReserveN(now, 1)
		rs = append(rs, r)
		if d := r.DelayFrom(now); d > wait {
			wait = d
		}
	}
	if wait > 0 {
		for _, r := range rs {
			r.CancelAt(now)
		}
	}
	return wait
}

// sweep drops full buckets (no state), then others at random.
func (ls *limiters) sweep(now time.Time) {
	for k, l := range ls.m {
		if l.TokensAt(now) >= float64(l.Burst()) {
			delete(ls.m, k)
		}
	}
	for k := range ls.m {
		if len(ls.m) < maxLimiterKeys*9/10 {
			break
		}
		delete(ls.m, k)
	}
}

// rateLimited is the error event of a refused visitor: the widget shows
// "try again shortly" and waits RetryAfter seconds.
func rateLimited(id string, wait time.Duration) *Event {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &Event{Type: EventError, ID: id, Code: "rate_limited", Message: "Too many messages right now; try again shortly.", RetryAfter: secs}
}

// Open sockets: one visitor may hold a few (tabs), one address more
// (visitors behind a carrier's NAT), and no more: a valid session token
// cannot be used to open sockets by the thousand.
const (
	maxSocketsPerVisitor = 8
	maxSocketsPerAddress = 512
)

// liveSockets counts the open sockets of this node per visitor and per
// client address.
type liveSockets struct {
	mu        sync.Mutex
	byVisitor map[string]int
	byAddr    map[string]int
}

func (l *liveSockets) take(visitor, addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byVisitor == nil {
		l.byVisitor, l.byAddr = map[string]int{}, map[string]int{}
	}
	if l.byVisitor[visitor] >= maxSocketsPerVisitor || (addr != "" && l.byAddr[addr] >= maxSocketsPerAddress) {
		return false
	}
	l.byVisitor[visitor]++
	if addr != "" {
		l.byAddr[addr]++
	}
	return true
}

func (l *liveSockets) give(visitor, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byVisitor[visitor]--; l.byVisitor[visitor] <= 0 {
		delete(l.byVisitor, visitor)
	}
	if addr != "" {
		if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
			delete(l.byAddr, addr)
		}
	}
}
