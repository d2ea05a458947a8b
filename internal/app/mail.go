package app

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
)

// deliverFunc is the inbound pipeline a mail message goes through.
type deliverFunc = func(ctx context.Context, cfg *desk.ChannelConfig, res *desk.WebhookResult) error

// imapPoller polls the IMAP mailboxes of email channels every interval
// (none when interval is 0), delivering through deliver.
func imapPoller(interval time.Duration, channels desk.ChannelStore, deliver deliverFunc, logger *slog.Logger) func(ctx context.Context) {
	if interval <= 0 {
		return nil
	}
	p := &email.Poller{Deliver: deliver, Logger: logger}
	return func(ctx context.Context) {
		p.Run(ctx, interval, func(ctx context.Context) ([]*desk.ChannelConfig, error) {
			return channels.FindChannels(desk.NewContextWithActor(ctx, desk.SystemActor))
		})
	}
}

// newSMTP builds the inbound SMTP listener of email channels, delivering
// through the inbound pipeline (routing, ingest, receipts); nil when
// --smtp-addr is empty. App.Start listens on its address.
func newSMTP(c *Config, channels desk.ChannelStore, deliver deliverFunc, logger *slog.Logger) (*email.Listener, error) {
	if c.SMTPAddr == "" {
		return nil, nil
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
	return &email.Listener{
		TLSConfig: tlsCfg,
		Auth:      auth,
		Logger:    logger,
		// A slow or endless session is cut off (issue 19).
		CommandTimeout: c.SMTPTimeout,
		SessionTimeout: c.SMTPSessionTimeout,
		Deliver:        deliver,
		Resolve: func(ctx context.Context, rcpt string) (*desk.ChannelConfig, error) {
			sys := desk.NewContextWithActor(ctx, desk.SystemActor)
			cfg, err := channels.FindChannelBySender(sys, desk.ChannelEmail, rcpt)
			if err != nil {
				return nil, err
			} else if !strings.EqualFold(cfg.Sender, rcpt) {
				return nil, desk.Errorf(desk.ENOTFOUND, "no email channel receives for %s", rcpt)
			}
			return cfg, nil
		},
	}, nil
}

// listenSMTP opens the SMTP listener's address and prints it like the HTTP
// listener's, for --smtp-addr with port 0.
func listenSMTP(addr string, stdout io.Writer) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--smtp-addr: %w", err)
	}
	fmt.Fprintf(stdout, "switchboard smtp listening on %s\n", ln.Addr())
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	return ln, nil
}
