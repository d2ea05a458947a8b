package app

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
		if _, ln, err := listenDebug(addr, logger); err == nil {
			if ln != nil {
				ln.Close()
			}
			t.Errorf("listenDebug(%q) accepted a non-loopback address", addr)
		}
	}
	if srv, ln, err := listenDebug("", logger); err != nil || srv != nil || ln != nil {
		t.Fatalf("no address: %v %v %v", srv, ln, err)
	}
}

func TestDebugListenerServesProfiles(t *testing.T) {
	var logged strings.Builder
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	srv, ln, err := listenDebug("127.0.0.1:0", logger)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
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
