package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/email"
	"github.com/switchboard-cc/switchboard/internal/desk"
	sbhttp "github.com/switchboard-cc/switchboard/internal/http"
)

// startIMAP polls the IMAP mailboxes of email channels every interval
// until the returned function is called.
func startIMAP(interval time.Duration, store desk.Store, srv *sbhttp.Server, logger *slog.Logger) func() {
	cs, ok := store.(desk.ChannelStore)
	if !ok || interval <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	p := &email.Poller{Deliver: srv.Deliver, Logger: logger}
	go func() {
		defer close(done)
		p.Run(ctx, interval, func(ctx context.Context) ([]*desk.ChannelConfig, error) {
			return cs.FindChannels(desk.NewContextWithActor(ctx, desk.SystemActor))
		})
	}()
	return func() { cancel(); <-done }
}

// startSMTP runs the inbound SMTP listener of email channels on addr,
// delivering through the server's inbound pipeline (routing, ingest,
// receipts). It prints its address like the HTTP listener, for --smtp-addr
// with port 0. The returned function stops it.
func startSMTP(c *Config, store desk.Store, srv *sbhttp.Server, logger *slog.Logger, stdout io.Writer) (func(), error) {
	addr := c.SMTPAddr
	cs, ok := store.(desk.ChannelStore)
	if !ok {
		return nil, fmt.Errorf("--smtp-addr: the store keeps no channels")
	}
	var tlsCfg *tls.Config
	if c.SMTPTLSCert != "" || c.SMTPTLSKey != "" {
		cert, err := tls.LoadX509KeyPair(c.SMTPTLSCert, c.SMTPTLSKey)
		if err != nil {
			return nil, fmt.Errorf("--smtp-tls-cert/--smtp-tls-key: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	var auth *email.Credentials
	if c.SMTPAuth != "" {
		var err error
		if auth, err = email.ParseCredentials(c.SMTPAuth); err != nil {
			return nil, fmt.Errorf("--smtp-auth: %w", err)
		} else if tlsCfg == nil {
			return nil, fmt.Errorf("--smtp-auth needs --smtp-tls-cert and --smtp-tls-key: passwords never cross in plaintext")
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--smtp-addr: %w", err)
	}
	l := &email.Listener{
		TLSConfig: tlsCfg,
		Auth:      auth,
		Logger:    logger,
		// A slow or endless session is cut off (issue 19).
		CommandTimeout: c.SMTPTimeout,
		SessionTimeout: c.SMTPSessionTimeout,
		Deliver:        srv.Deliver,
		Resolve: func(ctx context.Context, rcpt string) (*desk.ChannelConfig, error) {
			sys := desk.NewContextWithActor(ctx, desk.SystemActor)
			cfg, err := cs.FindChannelBySender(sys, desk.ChannelEmail, rcpt)
			if err != nil {
				return nil, err
			} else if !strings.EqualFold(cfg.Sender, rcpt) {
				return nil, desk.Errorf(desk.ENOTFOUND, "no email channel receives for %s", rcpt)
			}
			return cfg, nil
		},
	}
	fmt.Fprintf(stdout, "switchboard smtp listening on %s\n", ln.Addr())
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := l.Serve(ln); err != nil {
			logger.Error("smtp listener stopped", "err", err)
		}
	}()
	return func() { _ = l.Close(); <-done }, nil
}
