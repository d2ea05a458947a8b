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

// ThrottleConfig sets how failed sign-in attempts slow guessing down
// without locking anyone out.
//
// Failures are counted per account and client address together (a pair):
// PairFree failures are free, then each further one makes the pair wait
// PairDelay, doubled per failure up to PairMaxDelay. An attacker guessing
// one account from one address slows down exponentially, while the owner
// signing in from another address is not affected at all (no lockout).
//
// Each address also has a ceiling across accounts (password spraying): a
// token bucket of IPBurst failures refilling one every IPEvery. Successful
// attempts cost nothing, so many agents behind one NAT address can sign
// in every morning; only an address that has been failing waits, and an
// account that signed in from it before is exempt from its ceiling.
//
// A pair's failures are forgotten Forget after its last one, and at once
// after a successful sign-in.
type ThrottleConfig struct {
	PairFree     int
	PairDelay    time.Duration
	PairMaxDelay time.Duration
	IPBurst      int
	IPEvery      time.Duration
	Forget       time.Duration
}

// DefaultThrottle: 5 free failures per account and address, then 1 s, 2 s,
// 4 s … up to 15 min between attempts; 100 failures per address across
// accounts, then one every 6 s; failures forgotten after 24 h.
var DefaultThrottle = ThrottleConfig{PairFree: 5, PairDelay: time.Second, PairMaxDelay: 15 * time.Minute,
	IPBurst: 100, IPEvery: 6 * time.Second, Forget: 24 * time.Hour}

// maxThrottleKeys bounds memory: past it, entries that hold no state any
// more are dropped, then others at random.
const maxThrottleKeys = 10000

// Throttle limits failed sign-in attempts in memory (per node: a cluster
// of N nodes allows N times as many, which still makes online guessing
// hopeless). Keys starting with "ip:" are address ceilings (token
// buckets); any other key (an account+address pair, an agent's 2FA
// codes) gets progressive delays.
type Throttle struct {
	cfg     ThrottleConfig
	clock   desk.Clock
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	pairs   map[string]*pairState
	// known holds the account+address pairs that signed in successfully
	// lately: they are exempt from their address's ceiling (still held to
	// their own progressive delays), so colleagues behind one NAT address
	// keep signing in while someone there sprays passwords.
	known map[string]time.Time
}

// knownFor is how long a successful sign-in exempts its pair from the
// address ceiling.
const knownFor = 30 * 24 * time.Hour

type pairState struct {
	fails int
	last  time.Time
	until time.Time
}

// NewThrottle returns a throttle; zero fields of cfg take the defaults.
func NewThrottle(cfg ThrottleConfig, clock desk.Clock) *Throttle {
	d := DefaultThrottle
	if cfg.PairFree <= 0 {
		cfg.PairFree = d.PairFree
	}
	if cfg.PairDelay <= 0 {
		cfg.PairDelay = d.PairDelay
	}
	if cfg.PairMaxDelay <= 0 {
		cfg.PairMaxDelay = max(d.PairMaxDelay, cfg.PairDelay)
	}
	if cfg.IPBurst <= 0 {
		cfg.IPBurst = d.IPBurst
	}
	if cfg.IPEvery <= 0 {
		cfg.IPEvery = d.IPEvery
	}
	if cfg.Forget <= 0 {
		cfg.Forget = d.Forget
	}
	return &Throttle{cfg: cfg, clock: clock, buckets: map[string]*rate.Limiter{}, pairs: map[string]*pairState{}, known: map[string]time.Time{}}
}

// throttleKeys returns the keys of a sign-in attempt: the account (by
// normalized email) together with the address, then the address alone.
// IPv6 addresses are grouped by /64, since one host usually holds a whole
// /64.
func throttleKeys(email, ip string) []string {
	if addr, err := netip.ParseAddr(ip); err == nil {
		addr = addr.Unmap()
		if addr.Is6() {
			p, _ := addr.Prefix(64)
			ip = p.String()
		} else {
			ip = addr.String()
		}
	}
	keys := []string{"pair:" + strings.ToLower(strings.TrimSpace(email)) + "|" + ip}
	if ip != "" {
		keys = append(keys, "ip:"+ip)
	}
	return keys
}

func (t *Throttle) sweep(now time.Time) {
	if len(t.buckets)+len(t.pairs) < maxThrottleKeys {
		return
	}
	for k, l := range t.buckets {
		if l.TokensAt(now) >= float64(l.Burst()) {
			delete(t.buckets, k)
		}
	}
	for k, p := range t.pairs {
		if now.Sub(p.last) >= t.cfg.Forget || (p.fails < t.cfg.PairFree && now.Sub(p.last) > time.Hour) {
			delete(t.pairs, k)
		}
	}
	// Still full (many addresses failing at once): drop entries at random
	// down to 90%, so memory and the cost of sweeping stay bounded; a
	// dropped entry starts afresh, which beats falling over.
	for k := range t.pairs {
		if len(t.buckets)+len(t.pairs) < maxThrottleKeys*9/10 {
			break
		}
		delete(t.pairs, k)
	}
	for k := range t.buckets {
		if len(t.buckets)+len(t.pairs) < maxThrottleKeys*9/10 {
			break
		}
		delete(t.buckets, k)
	}
}

func isBucketKey(k string) bool { return strings.HasPrefix(k, "ip:") }

// Wait returns how long the caller must wait before another attempt with
// these keys, 0 if it may try now, and the key that makes it wait. It
// consumes nothing.
func (t *Throttle) Wait(keys ...string) (time.Duration, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	var wait time.Duration
	var which string
	for _, k := range keys {
		var d time.Duration
		if isBucketKey(k) {
			l := t.buckets[k]
			if l == nil {
				continue
			}
			r := l.ReserveN(now, 1)
			d = r.DelayFrom(now)
			r.CancelAt(now)
		} else if p := t.pairs[k]; p != nil && p.until.After(now) {
			d = p.until.Sub(now)
		}
		if d > wait {
			wait, which = d, k
		}
	}
	return wait, which
}

// Fail records a failed attempt against every key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	t.sweep(now)
	for _, k := range keys {
		if isBucketKey(k) {
			l := t.buckets[k]
			if l == nil {
				l = rate.NewLimiter(rate.Every(t.cfg.IPEvery), t.cfg.IPBurst)
				t.buckets[k] = l
			}
			l.AllowN(now, 1)
			continue
		}
		p := t.pairs[k]
		if p == nil || now.Sub(p.last) >= t.cfg.Forget {
			p = &pairState{}
			t.pairs[k] = p
		}
		p.fails++
		p.last = now
		if over := p.fails - t.cfg.PairFree; over >= 0 {
			d := t.cfg.PairMaxDelay
			if over < 40 {
				d = min(t.cfg.PairDelay<<over, t.cfg.PairMaxDelay)
				if d <= 0 { // overflow
					d = t.cfg.PairMaxDelay
				}
			}
			p.until = now.Add(d)
		}
	}
}

// Succeeded forgets a pair's failures and remembers it as known.
func (t *Throttle) Succeeded(pair string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	delete(t.pairs, pair)
	if len(t.known) >= maxThrottleKeys {
		for k, at := range t.known {
			if now.Sub(at) > knownFor || len(t.known) >= maxThrottleKeys*9/10 {
				delete(t.known, k)
			}
		}
	}
	t.known[pair] = now
}

// Known reports whether a pair signed in successfully lately.
func (t *Throttle) Known(pair string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.known[pair]
	return ok && t.clock.Now().Sub(at) < knownFor
}

// Len returns the number of entries held (for tests and metrics).
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.buckets) + len(t.pairs)
}

// Reset forgets the failures of a key (an account+address pair after a
// good sign-in).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.pairs, key)
	delete(t.buckets, key)
	t.mu.Unlock()
}

// throttleScope names what a key limits, for the audit log.
func throttleScope(key string) string {
	switch {
	case isBucketKey(key):
		return "address"
	case strings.HasPrefix(key, "pair:"):
		return "account_address"
	}
	return "agent"
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
