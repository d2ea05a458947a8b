package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"github.com/switchboard-cc/switchboard/internal/app"
	"github.com/switchboard-cc/switchboard/internal/trace"
)

// runServe runs the server until ctx ends (SIGINT/SIGTERM), then shuts down
// gracefully: the listener closes, in-flight requests finish, the store
// closes last so nothing accepted is lost. internal/app builds and runs the
// node; this only reads the flags, sets up tracing, opens the listener and
// says where.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.serveFlags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	logger, err := newLogger(stderr, c.LogLevel)
	if err != nil {
		return err
	}
	if c.CPUProfile != "" {
		stop, err := startCPUProfile(c.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	// OpenTelemetry traces, when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set.
	stopTracing, err := trace.Setup(ctx, version)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = stopTracing(sctx)
	}()
	if trace.Enabled() {
		logger.Info("tracing: spans exported over OTLP (OTEL_* variables)")
	}
	c.Version = version
	a, err := app.New(ctx, c.Config, logger, stdout)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	// The first stdout line tells scripts and tests where to connect, which
	// matters with --addr :0.
	fmt.Fprintf(stdout, "switchboard listening on http://%s\n", ln.Addr())
	if token := a.SetupToken(); token != "" {
		fmt.Fprintf(stdout, "first run: no admin yet; create one in the browser at %s\n", setupLink(c.BaseURL, ln.Addr(), token))
	}
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	logger.Info("serving", "addr", ln.Addr().String(), "store", app.StoreKind(&c.Config), "version", version)
	if err := a.Start(ctx, ln); err != nil {
		return err
	}
	failed := a.Wait(ctx)
	if err := a.Stop(); err != nil {
		return err
	}
	return failed
}

// startCPUProfile writes the server's CPU profile to path until stop.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
