package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

func testConfig(t *testing.T) Config {
	return Config{Addr: "127.0.0.1:0", Data: t.TempDir(), ShutdownTimeout: 10 * time.Second,
		OutboxSenders: 2, OutboxLease: 30 * time.Second, OutboxPoll: time.Second,
		MediaRetries: 1, MediaRetryBase: time.Second, MediaLease: time.Minute,
		RingTimeout: 20 * time.Second, WrapUp: 30 * time.Second, NodeTTL: 15 * time.Second}
}

// A node built from a Config serves until stopped; Stop waits for every
// stage and closes the store.
func TestAppStartStop(t *testing.T) {
	ctx := context.Background()
	a, err := New(ctx, testConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + ln.Addr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %d", res.StatusCode)
	}
	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := a.Store().Ping(ctx); err == nil {
		t.Fatal("the store is still open after Stop")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("still serving after Stop")
	}
}

// A front part that fails (the HTTP server on a closed listener) ends Wait
// with its error; Stop still stops everything.
func TestAppWaitReportsFailure(t *testing.T) {
	ctx := context.Background()
	c := testConfig(t)
	c.CallsOff = true
	a, err := New(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	if err := a.Wait(ctx); err == nil {
		t.Fatal("Wait returned no error for a server that could not serve")
	}
	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
}

// A configuration New refuses leaves nothing open.
func TestAppRefusesBadConfig(t *testing.T) {
	c := testConfig(t)
	c.PhoneRegion = "XX"
	if _, err := New(context.Background(), c, slog.New(slog.DiscardHandler), io.Discard); err == nil {
		t.Fatal("unknown --phone-region accepted")
	}
	c = testConfig(t)
	c.SMTPAddr, c.SMTPAuth = "127.0.0.1:0", "u:p" // AUTH without TLS
	if _, err := New(context.Background(), c, slog.New(slog.DiscardHandler), io.Discard); err == nil {
		t.Fatal("--smtp-auth without TLS accepted")
	}
}
