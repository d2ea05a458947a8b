// Package http serves Switchboard's REST API, its OpenAPI document, health
// and metrics endpoints and the embedded web workspace. Handlers parse,
// call a desk service and render; rules live in the services.
package http

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/card"
	"github.com/switchboard-cc/switchboard/internal/compose"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/gencache"
	"github.com/switchboard-cc/switchboard/internal/inbound"
	"github.com/switchboard-cc/switchboard/internal/macro"
	"github.com/switchboard-cc/switchboard/internal/merge"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/privacy"
	"github.com/switchboard-cc/switchboard/internal/survey"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// Config wires the server.
type Config struct {
	// VAPIDPublicKey is the Web Push applicationServerKey (A7); empty
	// turns the push endpoints off.
	VAPIDPublicKey string
	Store          Store
	Clock          desk.Clock
	Logger         *slog.Logger
	// Registry receives the server's metrics and is served at /metrics.
	Registry *prometheus.Registry
	// Assets is the built web workspace served at /; nil serves none.
	Assets fs.FS
	// BodyLimit caps request bodies (default 1 MiB).
	BodyLimit int64
	// SessionIdle ends sessions unused this long (default 12 h).
	SessionIdle time.Duration
	// SessionMaxAge ends sessions this long after sign-in (default 7 days).
	SessionMaxAge time.Duration
	// BaseURL is the public URL the workspace is served at; an https URL
	// makes cookies Secure even when TLS ends at a proxy.
	BaseURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// Forwarded headers name the client's address (--trusted-proxies);
	// empty: the connection's peer is the client.
	TrustedProxies []netip.Prefix
	// Timeouts bound slow clients; zero fields take DefaultTimeouts.
	Timeouts Timeouts
	// Throttle limits failed sign-ins; zero fields take auth.DefaultThrottle.
	Throttle auth.ThrottleConfig
	// Secrets seals TOTP secrets at rest (auth.NewSecretBox); nil stores
	// them in the clear.
	Secrets *auth.SecretBox
	// Tokens caches resolved tokens briefly (auth.SessionCache); nil makes
	// a 10-second cache for this server. Several nodes must feed it what
	// the bus reports (revoked sessions, updated agents).
	Tokens *auth.SessionCache
	// SessionObserver is told about every revoked session (the real-time
	// layer closes its connections); may be nil.
	SessionObserver desk.SessionObserver
	// UseCases are what the handlers call; the composition root builds
	// them (internal/app), NewServer builds none.
	UseCases
	// Channels builds channel adapters (webhooks, channel checks); nil
	// turns the channel API off.
	Channels ChannelAdapters
	// Realtime serves the live feed at /api/v1/ws; nil answers 404.
	Realtime Realtime
	// Blobs stores note attachments (D3); nil refuses uploads.
	Blobs desk.BlobStore
	// Privacy erases and exports customers' data (issue 24); nil refuses.
	Privacy *privacy.Service
	// MediaLinks signs the public links of the files agents send, served
	// at /media/{token} to providers and Live Chat visitors; nil serves
	// none.
	MediaLinks *attach.Links
	// Widget is the Live Chat widget script served at /widget.js and
	// CallScript the call link page's script served at /call/app.js, both
	// built by the web build (web.Embedded). Nil answers 503
	// web_not_built: the binary was built without the web build.
	Widget     []byte
	CallScript []byte
	// SetupToken, on a data folder without an admin, is the one-time
	// token of the first-run setup link serve prints; empty turns the
	// setup endpoint off.
	SetupToken string
}

// Store is what the handlers read and write through: the store users'
// requests reach (access.Store — the domain's store with the channel,
// preview, idempotency, privacy and first-run services and the report
// rollups), which internal/app passes behind access.Guard. Both SQL stores
// are all of it, so no capability is discovered at run time.
type Store = access.Store

// UseCases are the use cases the handlers call, built over the same
// store as the server's (internal/app).
type UseCases struct {
	// Replies sends agents' replies through the outbox (channel rules
	// first).
	Replies *outbound.Service
	// Compose starts outbound conversations (C2–C4).
	Compose *compose.Service
	// Drafts applies macros to new conversations' drafts (E3).
	Drafts *macro.Service
	// Macros applies macros to conversations (E2).
	Macros *macro.Applier
	// Merges merges conversations (C8) and customers (F1).
	Merges *merge.Service
	// Surveys records CSAT survey answers (C12).
	Surveys *survey.Service
	// Cards fetches conversations' context cards (F4).
	Cards *card.Service
	// Voice is the calls' use cases (issue 10).
	Voice *voice.Calls
	// Inbound is the inbound pipeline webhooks, the API channel and Live
	// Chat's sockets deliver through.
	Inbound *inbound.Pipeline
	// Phones keys the phone numbers of requests (C3).
	Phones phone.Book
	// OrgRegion is the organisation's phone country, which the first-run
	// setup sets, shared with Phones and the other use cases.
	OrgRegion *phone.OrgRegion
}

// DefaultTokenCacheTTL is how long a resolved token is trusted without
// reading the store again (revocations drop it at once; see
// auth.SessionCache).
const DefaultTokenCacheTTL = 10 * time.Second

// Server is the HTTP front of Switchboard.
type Server struct {
	cfg      Config
	auth     *auth.Authenticator
	metrics  *metrics
	mux      *http.ServeMux
	srv      *http.Server
	outbound *outbound.Service
	compose  *compose.Service
	// phones keys the phone numbers of requests and inbound traffic.
	phones   phone.Book
	drafts   *macro.Service
	macros   *macro.Applier
	merges   *merge.Service
	surveys  *survey.Service
	cards    *card.Service
	inbound  *inbound.Pipeline
	voice    *voice.Calls
	timeouts Timeouts
	anon     *anonLimiter
	// webhookChannels caches channels for the webhook path.
	webhookChannels channelCache
	// setup is the first run's state (setup.go).
	setup firstRun
	// org is the organisation's phone country (first run).
	org *phone.OrgRegion
	// reads caches the JSON of reads while the database is unchanged
	// (read_cache.go).
	reads *gencache.Cache[readKey, []byte]
	// listRows keeps list rows' JSON under their row versions
	// (list_rows.go).
	listRows listRowJSON
}

// NewServer builds the server and registers every route.
func NewServer(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = desk.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 12 * time.Hour
	}
	if cfg.Tokens == nil {
		cfg.Tokens = auth.NewSessionCache(DefaultTokenCacheTTL, 0)
	}
	if cfg.SessionMaxAge <= 0 {
		cfg.SessionMaxAge = 7 * 24 * time.Hour
	}
	s := &Server{
		cfg: cfg,
		auth: &auth.Authenticator{Store: cfg.Store, Clock: cfg.Clock, IdleTimeout: cfg.SessionIdle, MaxAge: cfg.SessionMaxAge,
			Throttle: auth.NewThrottle(cfg.Throttle, cfg.Clock), Observer: cfg.SessionObserver, Logger: cfg.Logger, Secrets: cfg.Secrets, Cache: cfg.Tokens},
		metrics:  newMetrics(cfg.Registry),
		mux:      http.NewServeMux(),
		timeouts: cfg.Timeouts.withDefaults(),
	}
	s.anon = &anonLimiter{n: map[string]int{}}
	s.reads = newReadCache(cfg.Registry)
	s.outbound, s.compose, s.drafts, s.macros, s.merges, s.surveys, s.cards = cfg.Replies, cfg.Compose, cfg.Drafts, cfg.Macros, cfg.Merges, cfg.Surveys, cfg.Cards
	s.voice, s.inbound, s.phones, s.org = cfg.Voice, cfg.Inbound, cfg.Phones, cfg.OrgRegion
	s.setup.token.Store(&cfg.SetupToken)
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.registerAssets()
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.timeouts.ReadHeader,
		IdleTimeout:       s.timeouts.Idle,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Voice is the server's calls' use cases.
func (s *Server) Voice() *voice.Calls { return s.voice }

// Inbound is the server's inbound pipeline.
func (s *Server) Inbound() *inbound.Pipeline { return s.inbound }

// Handler returns the root handler.
func (s *Server) Handler() http.Handler {
	h := s.securityHeaders(s.mux)
	// Every request's body gets its deadline first, whatever route (or
	// none) it is for: a refused or unrouted request's body, which the
	// server drains after answering, is bounded by it too.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.withBodyDeadline(w, r)
		h.ServeHTTP(w, r)
	})
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.srv.Serve(ln) }

// Shutdown stops accepting connections and waits for in-flight requests.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
