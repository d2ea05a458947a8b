package auth

import (
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ThrottleConfig sets how many failed sign-in attempts are allowed. Each
// key (an account, a client address) has a token bucket: Burst failures
// at once, then one more every Every. Successful attempts cost nothing, so
// many agents behind one NAT address can sign in every morning.
type ThrottleConfig struct {
	AccountBurst int
	AccountEvery time.Duration
	IPBurst      int
	IPEvery      time.Duration
}

// DefaultThrottle allows 5 failures per account then one a minute, and 20
// per address then one every 10 s.
var DefaultThrottle = ThrottleConfig{AccountBurst: 5, AccountEvery: time.Minute, IPBurst: 20, IPEvery: 10 * time.Second}

// maxThrottleKeys bounds memory: past it, buckets that are full again
// (which hold no state) are dropped.
const maxThrottleKeys = 10000

// Throttle limits failed sign-in attempts per account and per client
// address, in memory (per node: a cluster of N nodes allows N times as
// many, which still makes online guessing hopeless).
type Throttle struct {
	cfg   ThrottleConfig
	clock desk.Clock
	mu    sync.Mutex
	lims  map[string]*rate.Limiter
}

// NewThrottle returns a throttle; zero fields of cfg take the defaults.
func NewThrottle(cfg ThrottleConfig, clock desk.Clock) *Throttle {
	d := DefaultThrottle
	if cfg.AccountBurst <= 0 {
		cfg.AccountBurst = d.AccountBurst
	}
	if cfg.AccountEvery <= 0 {
		cfg.AccountEvery = d.AccountEvery
	}
	if cfg.IPBurst <= 0 {
		cfg.IPBurst = d.IPBurst
	}
	if cfg.IPEvery <= 0 {
		cfg.IPEvery = d.IPEvery
	}
	return &Throttle{cfg: cfg, clock: clock, lims: map[string]*rate.Limiter{}}
}

// throttleKeys returns the bucket keys of an attempt: the account (by
// normalized email) and the address. IPv6 addresses are grouped by /64,
// since one host usually holds a whole /64.
func throttleKeys(email, ip string) []string {
	keys := []string{"account:" + strings.ToLower(strings.TrimSpace(email))}
	if addr, err := netip.ParseAddr(ip); err == nil {
		if addr.Is6() && !addr.Is4In6() {
			p, _ := addr.Prefix(64)
			ip = p.String()
		}
		keys = append(keys, "ip:"+ip)
	}
	return keys
}

func (t *Throttle) limiter(key string, now time.Time) *rate.Limiter {
	if l := t.lims[key]; l != nil {
		return l
	}
	if len(t.lims) >= maxThrottleKeys {
		for k, l := range t.lims {
			if l.TokensAt(now) >= float64(l.Burst()) {
				delete(t.lims, k)
			}
		}
		// Still full (many addresses failing at once): drop entries at
		// random down to 90%, so memory and the cost of sweeping stay
		// bounded; a dropped bucket starts afresh, which beats falling over.
		for k := range t.lims {
			if len(t.lims) < maxThrottleKeys*9/10 {
				break
			}
			delete(t.lims, k)
		}
	}
	every, burst := t.cfg.AccountEvery, t.cfg.AccountBurst
	if strings.HasPrefix(key, "ip:") {
		every, burst = t.cfg.IPEvery, t.cfg.IPBurst
	}
	l := rate.NewLimiter(rate.Every(every), burst)
	t.lims[key] = l
	return l
}

// Wait returns how long the caller must wait before another attempt with
// these keys, 0 if it may try now. It consumes nothing.
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	var wait time.Duration
	for _, k := range keys {
		l := t.lims[k]
		if l == nil {
			continue
		}
		r := l.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > wait {
			wait = d
		}
		r.CancelAt(now)
	}
	return wait
}

// Fail records a failed attempt against every key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	for _, k := range keys {
		t.limiter(k, now).AllowN(now, 1)
	}
}

// Len returns the number of buckets held (for tests and metrics).
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.lims)
}

// Reset forgets the failures of a key (an account after a good sign-in).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.lims, key)
	t.mu.Unlock()
}

// tooManyAttempts is the error of a throttled attempt; Detail carries the
// whole seconds to wait, which the HTTP layer sends as Retry-After.
func tooManyAttempts(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	e := desk.CodedErrorf(desk.ETOOMANY, "too_many_attempts", "too many attempts; try again in %d seconds", secs)
	e.Detail = map[string]any{"retry_after": secs}
	return e
}
