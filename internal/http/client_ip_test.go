package http

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestClientIP: forwarded headers count only from a trusted proxy, and
// then only the hops the proxies appended.
func TestClientIP(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{TrustedProxies: proxies}}
	for _, c := range []struct {
		remote, xff, fwd, want string
	}{
		{"198.51.100.9:5000", "203.0.113.5", "", "198.51.100.9"},      // untrusted peer: header ignored
		{"10.1.2.3:5000", "203.0.113.5", "", "203.0.113.5"},           // trusted proxy
		{"10.1.2.3:5000", "6.6.6.6, 203.0.113.5", "", "203.0.113.5"},  // a forged first hop is skipped
		{"10.1.2.3:5000", "203.0.113.5, 10.9.9.9", "", "203.0.113.5"}, // two trusted proxies
		{"192.0.2.1:5000", "", `for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"`, "2001:db8:cafe::17"},
		{"10.1.2.3:5000", "", "", "10.1.2.3"},                        // no header
		{"10.1.2.3:5000", "unknown", "", "10.1.2.3"},                 // unreadable hop
		{"[::ffff:10.1.2.3]:5000", "203.0.113.7", "", "203.0.113.7"}, // v4-mapped peer
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.fwd != "" {
			r.Header.Set("Forwarded", c.fwd)
		}
		if got := s.clientIP(r); got != c.want {
			t.Errorf("%s xff=%q fwd=%q: %s, want %s", c.remote, c.xff, c.fwd, got, c.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,nonsense"); err == nil {
		t.Fatal("a bad entry is accepted")
	}
}

// TestLoginNoLockoutBehindProxy: behind a trusted proxy, an attacker
// guessing an agent's password is throttled by the address the proxy
// names, every throttled answer has Retry-After, and the agent signs in
// from their own address throughout; the audit log records the throttling
// with the attacker's address.
func TestLoginNoLockoutBehindProxy(t *testing.T) {
	proxies, _ := ParseTrustedProxies("127.0.0.0/8")
	e := newEnvWith(t, Config{TrustedProxies: proxies, Throttle: auth.ThrottleConfig{PairFree: 3, PairDelay: time.Hour}})
	post := func(from, password string) *http.Response {
		req, _ := http.NewRequest("POST", e.url+"/api/v1/auth/login", strings.NewReader(login("a@example.com", password, "")))
		req.Header.Set("X-Forwarded-For", from)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := 0; i < 3; i++ {
		if r := post("203.0.113.66", "wrong"); r.StatusCode != 401 {
			t.Fatalf("guess %d: %d", i, r.StatusCode)
		}
	}
	for i := 0; i < 5; i++ {
		r := post("203.0.113.66", "password1")
		// The wait counts down in real time: within a minute of the hour.
		if n, _ := strconv.Atoi(r.Header.Get("Retry-After")); r.StatusCode != 429 || n < 3540 || n > 3600 {
			t.Fatalf("attacker: %d Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
		}
		if r := post("198.51.100.7", "password1"); r.StatusCode != 200 {
			t.Fatalf("the owner from another address is locked out: %d", r.StatusCode)
		}
	}
	var all struct{ Items []desk.AuditEntry }
	e.do("GET", "/api/v1/audit?limit=200&type=login_throttled", e.admin, "", 200, &all)
	if len(all.Items) != 5 || all.Items[0].IP != "203.0.113.66" || all.Items[0].Detail["scope"] != "account_address" {
		t.Fatalf("throttling audit: %+v", all.Items)
	}
}
