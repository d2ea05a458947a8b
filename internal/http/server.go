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

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/card"
	"github.com/switchboard-cc/switchboard/internal/compose"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/inbound"
	"github.com/switchboard-cc/switchboard/internal/macro"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/privacy"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// Config wires the server.
type Config struct {
	// VAPIDPublicKey is the Web Push applicationServerKey (A7); empty
	// turns the push endpoints off.
	VAPIDPublicKey string
	Store          desk.Store
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
	// Outbound is the client for requests the server makes to configured
	// URLs (context cards, bot webhooks): an internal/safehttp client, so
	// they cannot reach internal addresses (SSRF). Nil means none is made.
	Outbound *http.Client
	// Tokens caches resolved tokens briefly (auth.SessionCache); nil makes
	// a 10-second cache for this server. Several nodes must feed it what
	// the bus reports (revoked sessions, updated agents).
	Tokens *auth.SessionCache
	// SessionObserver is told about every revoked session (the real-time
	// layer closes its connections); may be nil.
	SessionObserver desk.SessionObserver
	// OrgRegion is the organisation's phone country, shared with the use
	// cases that key numbers; nil makes one over Store.
	OrgRegion *phone.OrgRegion
	// Voice is the calls' use cases; nil builds them from Calls.
	Voice *voice.Calls
	// Inbound is the inbound use case webhooks, the API channel and Live
	// Chat's sockets call; nil builds one over Store (with Router, Blobs
	// and the Media settings).
	Inbound *inbound.Pipeline
	// Router picks the queue of a new inbound conversation (B2); nil sends
	// everything to the Default queue.
	Router func(ctx context.Context, in *desk.InboundMessage) (desk.ID, error)
	// Channels builds channel adapters (webhooks, channel checks); nil
	// turns the channel API off.
	Channels ChannelAdapters
	// Realtime serves the live feed at /api/v1/ws; nil answers 404.
	Realtime Realtime
	// Calls is the voice feature (issue 10); a zero value turns calls off.
	Calls Calls
	// Notify wakes the send workers after a reply is committed; nil
	// leaves the jobs to the workers' polling.
	Notify func()
	// DefaultRegion is the country assumed for phone numbers typed without
	// "+" (C3), e.g. "US"; empty keeps their digits.
	DefaultRegion string
	// Blobs stores note attachments (D3); nil refuses uploads.
	Blobs desk.BlobStore
	// Privacy erases and exports customers' data (issue 24); nil refuses.
	Privacy *privacy.Service
	// MediaClient fetches the media customers send from their providers
	// (issue 5): an internal/safehttp client whose size cap fits the
	// largest channel limit. Nil keeps provider-hosted media unfetched
	// (refused as media_unavailable); inline files (email) are stored.
	MediaClient *http.Client
	// MediaRetry, if set, keeps a customer's file whose download failed
	// for a passing reason pending, for an attach.Retrier to fetch again;
	// nil refuses it at once.
	MediaRetry *attach.RetryConfig
	// MediaFirstAttempt bounds the download made while a provider's
	// webhook waits, with MediaRetry (zero: the client's timeout).
	MediaFirstAttempt time.Duration
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
	s.outbound = &outbound.Service{Store: cfg.Store, Clock: cfg.Clock, Notify: cfg.Notify}
	if cs, ok := cfg.Store.(desk.ChannelStore); ok && cfg.Channels != nil {
		s.outbound.Channels, s.outbound.Adapters = cs, cfg.Channels
	}
	s.org = cfg.OrgRegion
	if s.org == nil {
		s.org = &phone.OrgRegion{}
		if ss, ok := cfg.Store.(desk.SetupStore); ok {
			s.org.Find = ss.FindOrganisation
		}
	}
	s.phones = phone.Book{Region: cfg.DefaultRegion, OrgRegion: s.org.Get}
	if cs, ok := cfg.Store.(desk.ChannelStore); ok {
		// A channel's country setting reaches numbers within 10 s.
		s.phones.Channels = phone.CachedChannels(cs.FindChannelBySender, 10*time.Second)
	}
	s.compose = &compose.Service{Store: cfg.Store, Outbound: s.outbound, Phones: s.phones}
	s.setup.token.Store(&cfg.SetupToken)
	s.drafts = &macro.Service{Store: cfg.Store, Clock: cfg.Clock}
	s.cards = &card.Service{Store: cfg.Store, Client: cfg.Outbound, Clock: cfg.Clock}
	s.voice = cfg.Voice
	if s.voice == nil {
		s.voice = voice.New(cfg.Calls, cfg.Store, s.phones, cfg.Logger)
	}
	s.inbound = cfg.Inbound
	if s.inbound == nil {
		s.inbound = s.newInbound()
	}
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

// newInbound builds the inbound pipeline of a server given none: over the
// server's store, router, phone book and file store; its metrics join the
// server's registry.
func (s *Server) newInbound() *inbound.Pipeline {
	cfg := s.cfg
	var media *attach.Inbound
	if cfg.Blobs != nil {
		media = &attach.Inbound{Blobs: cfg.Blobs, Client: cfg.MediaClient, Logger: cfg.Logger, Retry: cfg.MediaRetry, Clock: cfg.Clock,
			FirstAttempt: cfg.MediaFirstAttempt}
	}
	var adapters inbound.Adapters
	if cfg.Channels != nil {
		adapters = cfg.Channels
	}
	p := inbound.New(inbound.Config{Store: cfg.Store.(inbound.Store), Adapters: adapters, Router: cfg.Router,
		Phones: s.phones, Media: media, Logger: cfg.Logger})
	cfg.Registry.MustRegister(p.Collectors()...)
	return p
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
