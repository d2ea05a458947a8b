// Package app is Switchboard's composition root: New builds one node — the
// store, the bus and real-time hub, the channel adapters, the background
// workers, the call service and the HTTP server — from one Config, and
// Start and Stop run and end everything it started, in order, waiting for
// every goroutine. cmd/switchboard only turns flags into a Config.
//
// The store is the concrete SQL store (SQLite or PostgreSQL), so what it
// can do is known at compile time: no capability is discovered at run
// time. It is made of aggregates (store.Config, .Team, .Conversations,
// .Reports, .SearchIndex; see sqlstore): the server's own work, where one
// aggregate satisfies the feature's interface, is handed that aggregate
// alone (inbound, merges, the report recorder, the wallboard,
// failed replies, first-run setup, the inactivity sweeper); the others get
// the whole store, and users' requests get it behind the access rules.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/backup"
	"github.com/switchboard-cc/switchboard/internal/bot"
	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/channel/email"
	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/desk"
	sbhttp "github.com/switchboard-cc/switchboard/internal/http"
	"github.com/switchboard-cc/switchboard/internal/inbound"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/presence"
	"github.com/switchboard-cc/switchboard/internal/privacy"
	"github.com/switchboard-cc/switchboard/internal/push"
	"github.com/switchboard-cc/switchboard/internal/realtime"
	"github.com/switchboard-cc/switchboard/internal/report"
	"github.com/switchboard-cc/switchboard/internal/routing"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
	"github.com/switchboard-cc/switchboard/internal/sla"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/survey"
	"github.com/switchboard-cc/switchboard/internal/trace"
	"github.com/switchboard-cc/switchboard/internal/trunk"
	"github.com/switchboard-cc/switchboard/internal/voice"
	"github.com/switchboard-cc/switchboard/internal/wallboard"
	"github.com/switchboard-cc/switchboard/web"
)

// App is one node, built by New. Its goroutines run in three stages,
// stopped in this order so nothing accepted is lost: the front (HTTP, SMTP,
// IMAP polling, profiler), the outbound work (the outbox's senders, the
// media retries: replies accepted during shutdown are still committed, and
// what is not sent stays in the outbox for the next start), and the
// background (assignment, inactivity, bots, calls). The bus and the store
// close last.
type App struct {
	cfg    Config
	log    *slog.Logger
	stdout io.Writer

	store  *sqlstore.Store
	bus    bus.Bus
	hub    *realtime.Hub
	nodes  *bus.Nodes
	server *sbhttp.Server

	worker   *outbound.Worker
	retrier  *attach.Retrier
	bots     *bot.Dispatcher
	pusher   *push.Notifier
	assigner *routing.Assigner
	sweeper  *presence.Sweeper

	// slaTracker keeps conversations' SLA targets and records breaches;
	// reports keeps the report facts (issue 23).
	slaTracker *sla.Tracker
	// autoReplier sends queues' out-of-hours replies.
	autoReplier *sla.AutoReplier
	reports     *report.Recorder
	// board keeps the live wallboard of this node's sockets (issue 23).
	board *wallboard.Board

	calls voice.Config
	// voice is the calls' use cases; inbound the inbound pipeline every
	// channel delivers through (webhooks, API, SMTP, IMAP, Live Chat).
	voice   *voice.Calls
	inbound *inbound.Pipeline
	trunk   *trunk.Trunk
	smtp    *email.Listener
	imap    func(context.Context)
	debug   *http.Server
	// retention applies the queues' retention policies (nil: off);
	// backups makes scheduled backups (nil: off).
	retention *privacy.Retention
	backups   *backup.Schedule
	// setupToken opens the first run's setup ("" once an admin exists).
	setupToken string

	front, work, background *stage
	closed                  bool
}

// New builds a node from c: it checks the configuration, opens the store
// (migrating it), the file store and the bus, and wires every part. Nothing
// runs until Start; Close releases what New opened if Start is never
// called.
func New(ctx context.Context, c Config, logger *slog.Logger, stdout io.Writer) (_ *App, err error) {
	if err := setNodeID(&c); err != nil {
		return nil, err
	}
	if !phone.ValidRegion(c.PhoneRegion) {
		return nil, fmt.Errorf("--phone-region: unknown country %q", c.PhoneRegion)
	}
	publicURL, err := customerURL(&c, logger)
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobs(ctx, &c, "attachments", logger)
	if err != nil {
		return nil, err
	}
	allow, err := safehttp.ParseAllowList(c.OutboundAllow)
	if err != nil {
		return nil, err
	}
	proxies, err := sbhttp.ParseTrustedProxies(c.TrustedProxies)
	if err != nil {
		return nil, err
	}
	var secrets *auth.SecretBox
	if c.SecretKey != "" {
		if secrets, err = auth.NewSecretBox(c.SecretKey); err != nil {
			return nil, fmt.Errorf("--secret-key: %w", err)
		}
	} else {
		logger.Warn("no secret key: TOTP secrets are stored unencrypted (set SWITCHBOARD_SECRET_KEY)")
	}

	// The store is complete when opened: links to customers start with
	// the public URL, writes that free work also assign it (where the
	// database has a single writer), and the two parts built on the store
	// itself — the change handlers and the outbox worker — are reached
	// through forwarders bound below, before anything runs (see forward.go).
	var changes sqlstore.ChangeForwarder
	var sends sendForwarder
	store, err := openStore(ctx, &c, sqlstore.Options{PublicURL: publicURL, Changes: changes.Handle, Sends: &sends, InlineAssign: true})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	a := &App{cfg: c, log: logger, stdout: stdout, store: store}
	// Users' requests (HTTP, the WebSocket hub, data protection, calls and
	// the other use cases they call) reach the store through the access
	// rules (internal/access); the server's own work below uses it
	// directly, as the system actor.
	guarded := access.Wrap(store)
	// Numbers stored as bare national digits before the store knew the
	// country are keyed again with it, once per region (issue 16).
	if err := store.RekeyRegion(ctx, c.PhoneRegion); err != nil {
		store.Close()
		return nil, fmt.Errorf("re-key phone numbers for --phone-region %s: %w", c.PhoneRegion, err)
	}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	// Phone numbers are keyed (issue 16) with the channel's country, else
	// --phone-region, else the organisation's from the first run.
	org := &phone.OrgRegion{Find: store.Team.FindOrganisation}
	phones := phone.Book{Region: c.PhoneRegion, OrgRegion: org.Get,
		Channels: phone.CachedChannels(store.Config.FindChannelBySender, 10*time.Second)}

	// The live feed: the bus carries committed changes to every node's hub.
	// Resolved tokens are cached briefly; the bus tells every node's cache
	// of revoked sessions and changed agents.
	tokens := auth.NewSessionCache(sbhttp.DefaultTokenCacheTTL, 0)
	// Live Chat visitors' sockets live on one node; the relay carries
	// replies, seen receipts and typing to them from any node.
	// Provider APIs (their base URLs are set by admins) go through the
	// SSRF guard like every outbound request: a private address needs
	// --outbound-allow.
	// Each provider call is a client span, its traceparent sent along.
	providerClient := safehttp.NewClient(safehttp.Config{Allow: allow, Timeout: 15 * time.Second,
		MaxIdleConns: 256, MaxIdleConnsPerHost: 64})
	providerClient.Transport = trace.Transport(providerClient.Transport)
	// Live Chat visitors get the same signed links as providers, relative
	// to the server: the widget resolves them against the origin it was
	// loaded from.
	links := mediaLinks(&c, logger)
	relay := newLiveChatRelay(store, &attach.Links{Secret: links.Secret, TTL: links.TTL}, logger)
	adapters := registry.New(providerClient, relay.hub)
	// The wallboard follows every node's changes from the bus and pushes
	// to this node's sockets (issue 23).
	a.board = &wallboard.Board{Store: store.Reports, Log: logger}
	// The hub is built before the calls (their service notifies agents
	// through it); agents' SDP offers on its sockets go to the calls' use
	// cases once built below, before anything is served.
	var offers realtime.CallOfferFunc
	if !c.CallsOff {
		offers = func(ctx context.Context, actor *desk.Actor, creds http.Header, callID, offer string) (string, error) {
			return a.voice.Offer(ctx, actor, creds, callID, offer)
		}
	}
	hub, evbus, nats, err := startRealtime(ctx, &c, guarded, tokens, offers, logger, a.board.OnEvent, relay.OnSignal)
	if err != nil {
		return nil, fmt.Errorf("realtime: %w", err)
	}
	a.bus, a.hub, relay.bus, a.board.Pub = evbus, hub, evbus, hub

	// Replies committed here go straight to the worker, without a claim
	// transaction; the store wakes it for those it cannot take.
	a.worker = outbound.NewWorker(store, adapters, desk.SystemClock{}, logger,
		outbound.WorkerConfig{Senders: c.OutboxSenders, Lease: c.OutboxLease, Poll: c.OutboxPoll,
			Media: &attach.Outbound{Attachments: store.Conversations, Blobs: blobs, Links: links}, Failed: store.Conversations})
	sends.bind(a.worker)
	outboundClient := safehttp.NewClient(safehttp.Config{Allow: allow})
	// Customers' media come from provider URLs a webhook names: guarded
	// like any other, with room for WhatsApp's 100 MB documents (each
	// channel's own limit applies when storing).
	mediaClient := safehttp.NewClient(safehttp.Config{Allow: allow, Timeout: 2 * time.Minute, MaxBodyBytes: 100<<20 + 1})
	// Providers wait seconds, not minutes, for a webhook's answer (Twilio
	// 15 s): a slower file is left to its media job.
	const mediaFirstAttempt = 10 * time.Second
	mediaRetry := &attach.RetryConfig{Attempts: c.MediaRetries, Base: c.MediaRetryBase, Lease: c.MediaLease, Poll: min(5*time.Second, max(c.MediaRetryBase, 10*time.Millisecond))}
	// Customers' files whose download failed for a passing reason are
	// fetched again from the jobs in the store.
	a.retrier = &attach.Retrier{Jobs: store, Adapters: adapters,
		Inbound: &attach.Inbound{Blobs: blobs, Client: mediaClient, Logger: logger, Retry: mediaRetry}}
	// The store hands committed replies to the worker itself, so the
	// services need no wake-up call (Notify nil).
	a.bots = newBots(store, store, adapters, nil, outboundClient, logger)
	// Web Push (A7): the VAPID key is made on first start and kept.
	if a.pusher, err = newPusher(ctx, store, outboundClient, logger); err != nil {
		return nil, fmt.Errorf("web push: %w", err)
	}
	a.slaTracker = sla.NewTracker(store, desk.SystemClock{}, logger, slaSweepInterval)
	a.reports = report.NewRecorder(store.Reports, logger)
	a.slaTracker.OnSaved = func(id desk.ID) { a.reports.Mark(id) }
	a.autoReplier = sla.NewAutoReplier(store, desk.SystemClock{}, logger, slaSweepInterval)
	router, assigner, sweeper, handle := newRouting(store, logger, evbus.Publish, a.bots.HandleChanges, a.pusher.HandleChanges,
		a.slaTracker.HandleChanges, a.autoReplier.HandleChanges, a.reports.HandleChanges)
	a.assigner, a.sweeper = assigner, sweeper
	changes.Bind(handle)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(hub.Collectors()...)

	if a.calls, a.trunk, err = newCalls(&c, guarded, hub, router.Route, blobs, logger); err != nil {
		return nil, fmt.Errorf("calls: %w", err)
	}
	// Several nodes: a call's actions go to the node owning it.
	if a.nodes, err = openNodes(ctx, &c, nats); err != nil {
		return nil, err
	}
	if a.nodes != nil && a.calls.Service != nil {
		a.calls.Nodes = a.nodes
	}
	a.voice = voice.New(a.calls, guarded, phones, logger)
	// Every channel's inbound traffic goes through one pipeline.
	a.inbound = inbound.New(inbound.Config{Store: store.Conversations, Adapters: adapters, Router: router.Route, Phones: phones, Logger: logger,
		Surveys: &survey.Service{Store: store, Clock: desk.SystemClock{}},
		Media: &attach.Inbound{Blobs: blobs, Client: mediaClient, Logger: logger, Retry: mediaRetry, Clock: desk.SystemClock{},
			FirstAttempt: mediaFirstAttempt}})
	reg.MustRegister(a.inbound.Collectors()...)
	privacySvc, retention := newPrivacy(&c, guarded, blobs, logger)
	a.retention = retention
	if a.backups, err = newBackups(ctx, &c, logger); err != nil {
		return nil, err
	}
	if a.setupToken, err = firstRunToken(ctx, store.Team); err != nil {
		return nil, err
	}
	widget, callScript := webScripts(logger)
	a.server = sbhttp.NewServer(sbhttp.Config{
		VAPIDPublicKey: a.pusher.Sender.VAPID.PublicKey(),
		Tokens:         tokens,
		Store:          guarded,
		Clock:          desk.SystemClock{},
		Logger:         logger,
		Registry:       reg,
		Assets:         web.Assets(),
		Channels:       adapters,
		Realtime:       hub,
		BaseURL:        c.BaseURL,
		Secrets:        secrets,
		// Client addresses (throttling, audit, limits) come from forwarded
		// headers only through these proxies.
		TrustedProxies: proxies,
		Timeouts: sbhttp.Timeouts{ReadHeader: c.ReadHeaderTimeout, Body: c.BodyTimeout, Upload: c.UploadTimeout,
			Idle: c.IdleTimeout, AnonPerAddress: c.AnonPerAddress},
		// A revoked session's sockets close on every node (A8).
		SessionObserver: desk.SessionObserverFunc(func(id desk.ID) {
			hub.RevokeSessions([]desk.ID{id}, "this session ended: signed in elsewhere, signed out or password changed")
		}),

		Blobs:      blobs,
		Privacy:    privacySvc,
		MediaLinks: links,
		Widget:     widget,
		CallScript: callScript,
		UseCases:   newUseCases(store, guarded, adapters, phones, org, outboundClient, a.voice, a.inbound),
		SetupToken: a.setupToken,
	})
	// Mail goes through the same inbound pipeline as webhooks.
	if a.smtp, err = newSMTP(&c, store, a.inbound.Deliver, logger); err != nil {
		return nil, err
	}
	a.imap = imapPoller(c.IMAPPoll, store, a.inbound.Deliver, logger)
	return a, nil
}

// Store is the node's store, for commands that act on it directly.
func (a *App) Store() *sqlstore.Store { return a.store }

// Start runs the node: it joins the other nodes (with NATS), starts the
// background and outbound work, then the SMTP listener, IMAP polling, the
// profiler and the HTTP server on ln. On an error, what it started is
// stopped again.
func (a *App) Start(ctx context.Context, ln net.Listener) (err error) {
	a.background, a.work, a.front = newStage(), newStage(), newStage()
	defer func() {
		if err != nil {
			ln.Close()
			a.stopStages()
		}
	}()
	if err := joinNodes(ctx, &a.cfg, a.nodes, ln, a.log); err != nil {
		return err
	}

	a.background.run(a.assigner.Run)
	a.background.run(a.sweeper.Run)
	a.background.run(a.slaTracker.Run)
	a.background.run(a.autoReplier.Run)
	a.background.run(a.reports.Run)
	a.background.run(a.board.Run)
	a.background.run(a.bots.Run)
	a.background.run(a.pusher.Run)
	if a.retention != nil {
		a.background.run(a.retention.Run)
	}
	if a.backups != nil {
		a.background.run(a.backups.Run)
	}
	if svc := a.calls.Service; svc != nil {
		a.background.run(func(ctx context.Context) { svc.Run(ctx, 250*time.Millisecond) })
		if a.trunk != nil {
			if err := a.trunk.Start(a.background.ctx); err != nil {
				return err
			}
		}
		// A node alone (no NATS) sweeps once what its previous run left
		// live; with several, the calls of nodes that are gone are swept
		// every third of the TTL.
		if a.nodes == nil {
			a.background.run(func(ctx context.Context) { svc.Sweep(ctx, aloneDirectory(a.cfg.NodeID)) })
		} else {
			a.background.run(func(ctx context.Context) { svc.RunSweeper(ctx, a.nodes, max(a.cfg.NodeTTL/3, time.Second)) })
		}
	}

	a.work.run(a.worker.Run)
	a.work.run(a.retrier.Run)

	if a.smtp != nil {
		sln, err := listenSMTP(a.cfg.SMTPAddr, a.stdout)
		if err != nil {
			return err
		}
		a.front.run(func(context.Context) {
			if err := a.smtp.Serve(sln); err != nil {
				a.log.Error("smtp listener stopped", "err", err)
			}
		})
	}
	if a.imap != nil {
		a.front.run(a.imap)
	}
	debug, dln, err := listenDebug(a.cfg.DebugAddr, a.log)
	if err != nil {
		return err
	}
	if debug != nil {
		a.debug = debug
		a.front.run(func(context.Context) { _ = debug.Serve(dln) })
	}
	a.front.g.Go(func() error {
		if err := a.server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	return nil
}

// Wait blocks until ctx ends (nil) or a part of the front fails (its
// error, such as the HTTP server's).
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-a.front.ctx.Done():
		return context.Cause(a.front.ctx)
	}
}

// Stop shuts the node down gracefully: live sockets close, the HTTP server
// lets in-flight requests finish (up to the shutdown timeout), then the
// stages stop in order and are waited for, and the bus and the store close.
func (a *App) Stop() error {
	a.log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout.String())
	a.hub.Close() // live sockets are hijacked: Shutdown does not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err := a.server.Shutdown(sctx)
	a.stopStages()
	a.Close()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// stopStages stops the front, then the outbound work, then the background,
// waiting for each.
func (a *App) stopStages() {
	if a.smtp != nil {
		_ = a.smtp.Close()
	}
	if a.debug != nil {
		_ = a.debug.Close()
	}
	for _, s := range []*stage{a.front, a.work, a.background} {
		if s != nil {
			_ = s.stop()
		}
	}
}

// Close closes the bus and the store; Stop calls it, and so may whoever
// built the App without starting it. It may be called more than once.
func (a *App) Close() {
	if a.closed {
		return
	}
	a.closed = true
	if a.bus != nil {
		a.bus.Close()
	}
	a.store.Close()
}

// stage is a group of goroutines stopped and waited for together.
type stage struct {
	g      *errgroup.Group
	ctx    context.Context // ends when the stage stops or one of its parts fails
	cancel context.CancelFunc
}

func newStage() *stage {
	ctx, cancel := context.WithCancel(context.Background())
	g, gctx := errgroup.WithContext(ctx)
	return &stage{g: g, ctx: gctx, cancel: cancel}
}

// run runs f until the stage stops.
func (s *stage) run(f func(ctx context.Context)) {
	s.g.Go(func() error { f(s.ctx); return nil })
}

// stop ends the stage's context and waits for all its goroutines.
func (s *stage) stop() error {
	s.cancel()
	return s.g.Wait()
}
