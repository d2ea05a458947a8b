package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/desk"
	sbhttp "github.com/switchboard-cc/switchboard/internal/http"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/web"
)

// runServe runs the server until ctx ends (SIGINT/SIGTERM), then shuts down
// gracefully: the listener closes, in-flight requests finish, the store
// closes last so nothing accepted is lost.
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

	store, err := openStore(ctx, &c)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()

	// The live feed: the bus carries committed changes to every node's hub.
	hub, evbus, err := startRealtime(ctx, &c, store, logger)
	if err != nil {
		return fmt.Errorf("realtime: %w", err)
	}
	defer evbus.Close()

	// Background workers stop before the store closes (deferred above).
	wk := startWorkers(context.WithoutCancel(ctx), store, logger, evbus.Publish)
	defer wk.stop()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	adapters := registry.New(nil)
	var worker *outbound.Worker
	if cs, ok := store.(desk.ChannelStore); ok {
		worker = outbound.NewWorker(cs, adapters, desk.SystemClock{}, logger,
			outbound.WorkerConfig{Senders: c.OutboxSenders, Lease: c.OutboxLease, Poll: c.OutboxPoll})
	}
	calls, err := startCalls(ctx, &c, store, hub, logger)
	if err != nil {
		return fmt.Errorf("calls: %w", err)
	}
	srv := sbhttp.NewServer(sbhttp.Config{
		Store:    store,
		Clock:    desk.SystemClock{},
		Logger:   logger,
		Registry: reg,
		Assets:   web.Assets(),
		Router:   wk.router.Route,
		Channels: adapters,
		Notify:   notifier(worker),
		Realtime: hub,
		Calls:    calls,
	})
	if calls.Service != nil {
		hub.SetCallOffers(srv.CallOffer)
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	// The first stdout line tells scripts and tests where to connect, which
	// matters with --addr :0.
	fmt.Fprintf(stdout, "switchboard listening on http://%s\n", ln.Addr())
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	logger.Info("serving", "addr", ln.Addr().String(), "store", storeKind(&c), "version", version)

	// The outbox workers stop after the HTTP server: replies accepted
	// during shutdown are still committed, and what is not sent by then
	// stays in the outbox for the next start.
	wctx, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	workersDone := make(chan struct{})
	go func() {
		defer close(workersDone)
		if worker != nil {
			worker.Run(wctx)
		}
	}()
	defer func() { stopWorkers(); <-workersDone }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", c.ShutdownTimeout.String())
	hub.Close() // live sockets are hijacked: Shutdown does not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// notifier wakes the worker after a reply commits, if there is one.
func notifier(w *outbound.Worker) func() {
	if w == nil {
		return nil
	}
	return w.Notify
}

func storeKind(c *Config) string {
	if c.DB != "" {
		return "postgres"
	}
	return "sqlite"
}
