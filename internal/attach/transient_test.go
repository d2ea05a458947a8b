package attach

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// TestTransient tells passing download failures from lasting ones, on
// real requests through the guarded client where it matters.
func TestTransient(t *testing.T) {
	loopback := safehttp.NewClient(safehttp.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, Timeout: 200 * time.Millisecond})
	status := func(code int) error {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }))
		defer srv.Close()
		_, err := safehttp.Fetch(context.Background(), loopback, srv.URL, "media", nil)
		return err
	}
	// A port nothing listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	_, refused := safehttp.Fetch(context.Background(), loopback, closed, "media", nil)
	// A server that never answers: the client's timeout.
	stall := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stall }))
	defer slow.Close()
	defer close(stall)
	_, timeout := safehttp.Fetch(context.Background(), loopback, slow.URL, "media", nil)
	// The guard refuses loopback without an allow-list.
	guarded := safehttp.NewClient(safehttp.Config{})
	_, blocked := safehttp.Fetch(context.Background(), guarded, closed, "media", nil)

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"503", status(503), true},
		{"502", status(502), true},
		{"429", status(429), true},
		{"404", status(404), false},
		{"401", status(401), false},
		{"connection refused", refused, true},
		{"timeout", timeout, true},
		{"blocked address", blocked, false},
		{"too large", fmt.Errorf("read: %w", safehttp.ErrTooLarge), false},
		{"other", errors.New("whatsapp media: no URL in the answer"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error")
			}
			if got := Transient(tt.err); got != tt.want {
				t.Fatalf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestRetryDelay: the waits double from Base up to Max.
func TestRetryDelay(t *testing.T) {
	c := (&RetryConfig{Base: time.Minute, Max: 10 * time.Minute}).withDefaults()
	var got []time.Duration
	for n := 1; n <= 6; n++ {
		got = append(got, c.delay(n))
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delays %v, want %v", got, want)
	}
}
