package app

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
)

// listenDebug opens the listener of Go's profiler (/debug/pprof/), apart
// from the API so it is never reachable through the public address, and
// returns its server (Serve it on the listener). It is for operators and
// benchmarks: bind it to loopback. addr "" runs nothing (nil, nil).
func listenDebug(addr string, logger *slog.Logger) (*http.Server, net.Listener, error) {
	if addr == "" {
		return nil, nil, nil
	}
	if host, _, err := net.SplitHostPort(addr); err != nil {
		return nil, nil, fmt.Errorf("--debug-addr: %w", err)
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, nil, fmt.Errorf("--debug-addr %q: must be a loopback address (the profiler has no authentication)", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	logger.Info("profiler listening", "addr", ln.Addr().String())
	return &http.Server{Handler: mux}, ln, nil
}
