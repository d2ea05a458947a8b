package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestDebugListenerLoopbackOnly(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060", "nohost"} {
		if stop, err := startDebug(addr, logger); err == nil {
			stop()
			t.Errorf("startDebug(%q) accepted a non-loopback address", addr)
		}
	}
	stop, err := startDebug("", logger)
	if err != nil {
		t.Fatal(err)
	}
	stop()
}

func TestDebugListenerServesProfiles(t *testing.T) {
	var logged strings.Builder
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	stop, err := startDebug("127.0.0.1:0", logger)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	i := strings.Index(logged.String(), "addr=")
	if i < 0 {
		t.Fatalf("no address logged: %s", logged.String())
	}
	addr := strings.Fields(logged.String()[i+len("addr="):])[0]
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "goroutine profile") {
		t.Fatalf("status %d: %.200s", resp.StatusCode, body)
	}
}
