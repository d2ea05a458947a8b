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
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// Config wires the server.
type Config struct {
	Store  desk.Store
	Clock  desk.Clock
	Logger *slog.Logger
	// Registry receives the server's metrics and is served at /metrics.
	Registry *prometheus.Registry
	// Assets is the built web workspace served at /; nil serves none.
	Assets fs.FS
	// BodyLimit caps request bodies (default 1 MiB).
	BodyLimit int64
	// SessionIdle ends sessions unused this long (default 12 h).
	SessionIdle time.Duration
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
}

// Server is the HTTP front of Switchboard.
type Server struct {
	cfg      Config
	auth     *auth.Authenticator
	metrics  *metrics
	mux      *http.ServeMux
	srv      *http.Server
	outbound *outbound.Service
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
	s := &Server{
		cfg:     cfg,
		auth:    &auth.Authenticator{Store: cfg.Store, Clock: cfg.Clock, IdleTimeout: cfg.SessionIdle},
		metrics: newMetrics(cfg.Registry),
		mux:     http.NewServeMux(),
	}
	s.outbound = &outbound.Service{Store: cfg.Store, Clock: cfg.Clock, Notify: cfg.Notify}
	if cs, ok := cfg.Store.(desk.ChannelStore); ok && cfg.Channels != nil {
		s.outbound.Channels, s.outbound.Adapters = cs, cfg.Channels
	}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.registerAssets()
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return securityHeaders(s.mux) }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.srv.Serve(ln) }

// Shutdown stops accepting connections and waits for in-flight requests.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
