package safehttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestBlocked(t *testing.T) {
	tests := []struct {
		addr    string
		blocked bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true}, {"::ffff:127.0.0.1", true},
		{"10.0.0.1", true}, {"172.16.5.4", true}, {"192.168.1.1", true}, {"fd12::1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, // link-local: cloud metadata lives here
		{"224.0.0.1", true}, {"ff02::1", true}, {"0.0.0.0", true}, {"::", true},
		{"100.64.0.1", true}, {"255.255.255.255", true}, {"64:ff9b::a00:1", true}, {"240.0.0.1", true},
		{"93.184.215.14", false}, {"8.8.8.8", false}, {"2606:4700::1111", false}, {"172.32.0.1", false},
	}
	for _, tc := range tests {
		if got := Blocked(netip.MustParseAddr(tc.addr)); got != tc.blocked {
			t.Errorf("Blocked(%s) = %v, want %v", tc.addr, got, tc.blocked)
		}
	}
}

func TestParseAllowList(t *testing.T) {
	got, err := ParseAllowList(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,")
	if err != nil || len(got) != 3 || got[0].String() != "127.0.0.1/32" || !got[1].Contains(netip.MustParseAddr("10.2.3.4")) {
		t.Fatalf("ParseAllowList = %v, %v", got, err)
	}
	if _, err := ParseAllowList("intranet"); err == nil {
		t.Fatal("a host name was accepted")
	}
}

func get(t *testing.T, c *http.Client, url string) (string, error) {
	t.Helper()
	resp, err := Get(context.Background(), c, url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// TestLoopbackRefusedByDefault: the test server listens on loopback, which
// the guard refuses, whether named by address or by a name resolving to it.
func TestLoopbackRefusedByDefault(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++; io.WriteString(w, "ok") }))
	defer srv.Close()
	c := NewClient(Config{})
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		if _, err := get(t, c, u); !errors.Is(err, ErrBlocked) {
			t.Errorf("GET %s: err = %v, want ErrBlocked", u, err)
		}
	}
	if hits != 0 {
		t.Fatalf("the server was reached %d times", hits)
	}
}

// TestAllowListAndLimits: an allowed network is reached; a redirect to a
// blocked address, an oversize body and a slow server are refused.
func TestAllowListAndLimits(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // chunked: no Content-Length to refuse early
		io.WriteString(w, strings.Repeat("x", 2048))
	})
	mux.HandleFunc("/declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "4096")
		io.WriteString(w, strings.Repeat("x", 4096))
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, strings.Repeat("x", 1024)) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://[::1]:1/internal", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := NewClient(Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, MaxBodyBytes: 1024, Timeout: 300 * time.Millisecond})
	if body, err := get(t, c, srv.URL+"/ok"); err != nil || body != "hello" {
		t.Fatalf("allowed GET: %q %v", body, err)
	}
	if body, err := get(t, c, srv.URL+"/exact"); err != nil || len(body) != 1024 {
		t.Fatalf("body at the limit: %d %v", len(body), err)
	}
	if _, err := get(t, c, srv.URL+"/big"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("streamed oversize body: %v", err)
	}
	if _, err := get(t, c, srv.URL+"/declared"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("declared oversize body: %v", err)
	}
	if _, err := get(t, c, srv.URL+"/redirect"); !errors.Is(err, ErrBlocked) {
		t.Errorf("redirect to ::1: %v", err)
	}
	start := time.Now()
	if _, err := get(t, c, srv.URL+"/slow"); err == nil || time.Since(start) > time.Second {
		t.Errorf("slow server: err %v after %v", err, time.Since(start))
	}
}
