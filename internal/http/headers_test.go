package http

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// parseCSP splits a policy into directive -> sources.
func parseCSP(p string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(p, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// TestStrictCSP: every response (API, error, unknown path) carries a
// policy without inline script or style, eval, wildcards or plugins.
func TestStrictCSP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/api/v1/me", "/healthz", "/api/v1/nothing", "/"} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: headers %v", path, h)
		}
		csp := parseCSP(h.Get("Content-Security-Policy"))
		want := map[string]string{"default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
			"object-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'none'", "form-action": "'self'", "connect-src": "'self'"}
		for d, v := range want {
			if strings.Join(csp[d], " ") != v {
				t.Errorf("%s: %s = %v, want %s", path, d, csp[d], v)
			}
		}
		for d, srcs := range csp {
			for _, src := range srcs {
				if strings.Contains(src, "unsafe-") || strings.Contains(src, "*") || src == "http:" || src == "https:" ||
					(src == "data:" && d != "img-src") {
					t.Errorf("%s: %s allows %s", path, d, src)
				}
			}
		}
	}
}

// loginCookie signs in agent A and returns the session cookie set.
func loginCookie(t *testing.T, c *http.Client, url string) *http.Cookie {
	t.Helper()
	resp, err := c.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(login("a@example.com", "password1", "")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	t.Fatalf("no session cookie (status %d)", resp.StatusCode)
	return nil
}

// TestCookieFlags: HttpOnly and SameSite always; Secure over TLS or with
// an https base URL, not on plain http; logout clears with the same flags.
func TestCookieFlags(t *testing.T) {
	plain := newEnv(t)
	ck := loginCookie(t, http.DefaultClient, plain.url)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
		t.Fatalf("plain http cookie = %+v", ck)
	}
	proxied := newEnvWith(t, Config{BaseURL: "https://desk.example.com"})
	ck = loginCookie(t, http.DefaultClient, proxied.url)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || !ck.Secure {
		t.Fatalf("cookie behind an https base URL = %+v", ck)
	}
	req, _ := http.NewRequest("POST", proxied.url+"/api/v1/auth/logout", nil)
	req.AddCookie(ck)
	req.Header.Set("X-Requested-With", "switchboard")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cleared := resp.Cookies()
	if resp.StatusCode != 204 || len(cleared) != 1 || cleared[0].MaxAge >= 0 || !cleared[0].Secure || !cleared[0].HttpOnly {
		t.Fatalf("logout: %d %+v", resp.StatusCode, cleared)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS behind an https base URL")
	}

	// Over TLS itself.
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := &desk.Agent{Email: "a@example.com", Role: desk.RoleAgent, Capacity: 1, PasswordHash: testPasswordHash()}
	if err := st.CreateAgent(desk.NewContextWithActor(context.Background(), desk.SystemActor), a); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(contractHandler(t, newTestServer(st, Config{}).Handler()))
	defer srv.Close()
	c := srv.Client()
	c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	if ck := loginCookie(t, c, srv.URL); !ck.Secure || !ck.HttpOnly {
		t.Fatalf("cookie over TLS = %+v", ck)
	}
}
