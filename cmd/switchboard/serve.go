package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/desk"
	sbhttp "github.com/switchboard-cc/switchboard/internal/http"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
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
	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if err := setNodeID(&c); err != nil {
		return err
	}
	if !phone.ValidRegion(c.PhoneRegion) {
		return fmt.Errorf("--phone-region: unknown country %q", c.PhoneRegion)
	}
	publicURL, err := customerURL(&c, logger)
	if err != nil {
		return err
	}
	blobs, err := openBlobs(ctx, &c, "attachments", logger)
	if err != nil {
		return err
	}

	allow, err := safehttp.ParseAllowList(c.OutboundAllow)
	if err != nil {
		return err
	}

	var secrets *auth.SecretBox
	if c.SecretKey != "" {
		if secrets, err = auth.NewSecretBox(c.SecretKey); err != nil {
			return fmt.Errorf("--secret-key: %w", err)
		}
	} else {
		logger.Warn("no secret key: TOTP secrets are stored unencrypted (set SWITCHBOARD_SECRET_KEY)")
	}

	store, err := openStore(ctx, &c)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	setPublicURL(store, publicURL)

	// The live feed: the bus carries committed changes to every node's hub.
	// Resolved tokens are cached briefly; the bus tells every node's cache
	// of revoked sessions and changed agents.
	tokens := auth.NewSessionCache(sbhttp.DefaultTokenCacheTTL, 0)
	// Live Chat visitors' sockets live on one node; the relay carries
	// replies, seen receipts and typing to them from any node.
	adapters := registry.New(nil)
	relay := newLiveChatRelay(adapters.LiveChatHub(), store, logger)
	hub, evbus, err := startRealtime(ctx, &c, store, tokens, logger, relay.OnSignal)
	if err != nil {
		return fmt.Errorf("realtime: %w", err)
	}
	defer evbus.Close()
	relay.bus = evbus
	var worker *outbound.Worker
	if cs, ok := store.(desk.ChannelStore); ok {
		worker = outbound.NewWorker(cs, adapters, desk.SystemClock{}, logger,
			outbound.WorkerConfig{Senders: c.OutboxSenders, Lease: c.OutboxLease, Poll: c.OutboxPoll})
		// Replies committed here go straight to the worker, without a
		// claim transaction; the store wakes it for those it cannot take.
		if d, ok := store.(interface{ SetSendDispatcher(desk.SendDispatcher) }); ok {
			d.SetSendDispatcher(worker)
		}
	}
	links := mediaLinks(&c, logger)
	// Live Chat visitors get the same signed links, relative to the server:
	// the widget resolves them against the origin it was loaded from.
	adapters.LiveChatHub().SetFileLinks(&attach.Links{Secret: links.Secret, TTL: links.TTL})
	if worker != nil {
		if as, ok := store.(desk.AttachmentService); ok {
			worker.SetMedia(&attach.Outbound{Attachments: as, Blobs: blobs, Links: links})
		}
	}
	outboundClient := safehttp.NewClient(safehttp.Config{Allow: allow})
	// Customers' media come from provider URLs a webhook names: guarded
	// like any other, with room for WhatsApp's 100 MB documents (each
	// channel's own limit applies when storing).
	mediaClient := safehttp.NewClient(safehttp.Config{Allow: allow, Timeout: 2 * time.Minute, MaxBodyBytes: 100<<20 + 1})
	mediaRetry := &attach.RetryConfig{Attempts: c.MediaRetries, Base: c.MediaRetryBase, Lease: c.MediaLease, Poll: min(5*time.Second, max(c.MediaRetryBase, 10*time.Millisecond))}
	bots := newBots(store, adapters, notifier(store, worker), outboundClient, logger)
	botCtx, stopBots := context.WithCancel(context.WithoutCancel(ctx))
	go bots.Run(botCtx)
	defer stopBots()

	// Web Push (A7): the VAPID key is made on first start and kept.
	pusher, err := newPusher(ctx, store, outboundClient, logger)
	if err != nil {
		return fmt.Errorf("web push: %w", err)
	}
	pushCtx, stopPush := context.WithCancel(context.WithoutCancel(ctx))
	go pusher.Run(pushCtx)
	defer stopPush()

	// Background workers stop before the store closes (deferred above).
	wk := startWorkers(context.WithoutCancel(ctx), store, logger, evbus.Publish, bots.HandleChanges, pusher.HandleChanges)
	defer wk.stop()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(hub.Collectors()...)

	calls, err := startCalls(ctx, &c, store, hub, wk.router.Route, blobs, logger)
	if err != nil {
		return fmt.Errorf("calls: %w", err)
	}
	// Several nodes: a call's actions go to the node owning it.
	nodes, err := openNodes(ctx, &c, evbus)
	if err != nil {
		return err
	}
	if nodes != nil && calls.Service != nil {
		calls.Nodes = nodes
	}
	srv := sbhttp.NewServer(sbhttp.Config{
		VAPIDPublicKey: pusher.Sender.VAPID.PublicKey(),
		Tokens:         tokens,
		Store:          store,
		Clock:          desk.SystemClock{},
		Logger:         logger,
		Registry:       reg,
		Assets:         web.Assets(),
		Router:         wk.router.Route,
		Channels:       adapters,
		Realtime:       hub,
		BaseURL:        c.BaseURL,
		Secrets:        secrets,
		Outbound:       outboundClient,
		// A revoked session's sockets close on every node (A8).
		SessionObserver: desk.SessionObserverFunc(func(id desk.ID) {
			hub.RevokeSessions([]desk.ID{id}, "this session ended: signed in elsewhere, signed out or password changed")
		}),

		DefaultRegion: c.PhoneRegion,
		Blobs:         blobs,
		MediaClient:   mediaClient,
		MediaRetry:    mediaRetry,
		// Providers wait seconds, not minutes, for a webhook's answer
		// (Twilio 15 s): a slower file is left to its media job.
		MediaFirstAttempt: 10 * time.Second,
		MediaLinks:        links,
		Notify:            notifier(store, worker),
		Widget:            livechat.WidgetJS,
		Calls:             calls,
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
	if err := startNodes(ctx, &c, nodes, calls.Service, ln, logger); err != nil {
		ln.Close()
		return err
	}

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
	// Customers' files whose download failed for a passing reason are
	// fetched again from the jobs in the store; stopped like the outbox.
	if js, ok := store.(attach.MediaJobStore); ok && blobs != nil {
		retrier := &attach.Retrier{Jobs: js, Adapters: adapters,
			Inbound: &attach.Inbound{Blobs: blobs, Client: mediaClient, Logger: logger, Retry: mediaRetry}}
		retriesDone := make(chan struct{})
		go func() { defer close(retriesDone); retrier.Run(wctx) }()
		defer func() { stopWorkers(); <-retriesDone }()
	}
	defer func() { stopWorkers(); <-workersDone }()

	if c.SMTPAddr != "" {
		stopSMTP, err := startSMTP(&c, store, srv, logger, stdout)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopSMTP()
	}
	defer startIMAP(c.IMAPPoll, store, srv, logger)()

	stopDebug, err := startDebug(c.DebugAddr, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopDebug()

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

// mediaLinks signs the public links through which providers and Live Chat
// visitors fetch the files agents send. The key derives from the secret
// key, so every node honours every node's links; without one it is random
// and links only work on the node that made them.
func mediaLinks(c *Config, logger *slog.Logger) *attach.Links {
	base := c.PublicURL
	if base == "" {
		base = c.BaseURL
	}
	if base == "" {
		logger.Warn("no --base-url or --public-url: providers cannot fetch the files agents send")
	}
	var key []byte
	if c.SecretKey != "" {
		m := hmac.New(sha256.New, []byte(c.SecretKey))
		m.Write([]byte("switchboard media links"))
		key = m.Sum(nil)
	} else {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return &attach.Links{BaseURL: base, Secret: key}
}

// notifier wakes the worker after a reply commits, if there is one and the
// store does not hand it the jobs itself.
func notifier(store desk.Store, w *outbound.Worker) func() {
	if _, ok := store.(interface{ SetSendDispatcher(desk.SendDispatcher) }); ok || w == nil {
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
