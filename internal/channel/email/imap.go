package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// imapBatch bounds the messages fetched in one FETCH.
const imapBatch = 50

// Poller fetches unseen mail from the IMAP mailboxes of email channels that
// set imap_addr, for accounts whose mail cannot be pointed at the SMTP
// listener. Each message is delivered, then flagged \Seen; a message that
// could not be stored stays unseen and is tried at the next poll
// (ingestion is idempotent on the Message-ID, so a crash between storing
// and flagging stores nothing twice).
//
// Settings: imap_addr (host:port), imap_tls ("tls", the default, on 993;
// "starttls"; "none"), imap_username (default: the sender), imap_mailbox
// (default INBOX), imap_tls_skip_verify. Secrets: imap_password.
type Poller struct {
	Deliver func(ctx context.Context, cfg *desk.ChannelConfig, res *desk.WebhookResult) error
	Logger  *slog.Logger
}

// Run polls every channel that Channels lists, every interval, until ctx
// ends.
func (p *Poller) Run(ctx context.Context, interval time.Duration, channels func(ctx context.Context) ([]*desk.ChannelConfig, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		list, err := channels(ctx)
		if err != nil {
			p.log().Error("imap: listing channels failed", "err", err)
		}
		for _, cfg := range list {
			if cfg.Kind != desk.ChannelEmail || cfg.Settings["imap_addr"] == "" {
				continue
			}
			if n, err := p.Poll(ctx, cfg); err != nil {
				p.log().Warn("imap poll failed", "channel_id", cfg.ID.String(), "delivered", n, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Poll makes one pass over a channel's mailbox and returns how many
// messages it delivered (auto-replies and bounces included).
func (p *Poller) Poll(ctx context.Context, cfg *desk.ChannelConfig) (int, error) {
	c, err := dialIMAP(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	user := cfg.Setting("imap_username", cfg.Sender)
	if err := c.Login(user, cfg.Secrets["imap_password"]).Wait(); err != nil {
		return 0, fmt.Errorf("imap login: %w", err)
	}
	if _, err := c.Select(cfg.Setting("imap_mailbox", "INBOX"), nil).Wait(); err != nil {
		return 0, fmt.Errorf("imap select: %w", err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("imap search: %w", err)
	}
	uids := found.AllUIDs()
	n := 0
	for len(uids) > 0 && ctx.Err() == nil {
		batch := uids[:min(imapBatch, len(uids))]
		uids = uids[len(batch):]
		section := &imap.FetchItemBodySection{Peek: true}
		msgs, err := c.Fetch(imap.UIDSetNum(batch...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil {
			return n, fmt.Errorf("imap fetch: %w", err)
		}
		for _, m := range msgs {
			if err := p.deliver(ctx, cfg, m.FindBodySection(section)); err != nil {
				return n, err
			}
			n++
			seen := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen}, Silent: true}
			if err := c.Store(imap.UIDSetNum(m.UID), seen, nil).Close(); err != nil {
				return n, fmt.Errorf("imap store: %w", err)
			}
		}
	}
	_ = c.Logout().Wait()
	return n, nil
}

// deliver parses and stores one message. Mail that cannot be parsed or
// is refused as invalid is logged and flagged seen like the rest, so it
// does not come back at every poll; other errors stop the pass.
func (p *Poller) deliver(ctx context.Context, cfg *desk.ChannelConfig, raw []byte) error {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	parsed, err := Parse(raw, returnPath(raw), cfg.Sender)
	if err != nil {
		p.log().Warn("imap: message refused", "channel_id", cfg.ID.String(), "reason", desk.ErrorMessage(err))
		return nil
	}
	res := &desk.WebhookResult{}
	switch {
	case parsed.Message != nil:
		res.Messages = append(res.Messages, *parsed.Message)
	case parsed.Receipt != nil:
		res.Receipts = append(res.Receipts, *parsed.Receipt)
	default:
		p.log().Info("email not threaded", "kind", parsed.Kind, "channel_id", cfg.ID.String())
		return nil
	}
	if err := p.Deliver(sys, cfg, res); desk.ErrorKind(err) == desk.EINVALID {
		p.log().Warn("imap: message refused", "channel_id", cfg.ID.String(), "reason", desk.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	return nil
}

// returnPath is the envelope sender the delivering server recorded in
// Return-Path ("<>" for bounces and auto-replies), looked up in the header
// block only.
func returnPath(raw []byte) string {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i+2]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head = raw[:i+1]
	}
	rp := strings.TrimSpace(headerValue(head, "Return-Path"))
	if rp == "<>" {
		return rp
	}
	return strings.Trim(rp, "<>")
}

// dialIMAP connects to the channel's IMAP server under ctx's deadline.
func dialIMAP(ctx context.Context, cfg *desk.ChannelConfig) (*imapclient.Client, error) {
	addr := cfg.Settings["imap_addr"]
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("imap dial: %w", err)
	}
	_ = conn.SetDeadline(time.Now().Add(5 * time.Minute)) // one poll's budget
	host, _, _ := net.SplitHostPort(addr)
	tlsCfg := &tls.Config{ServerName: host, InsecureSkipVerify: cfg.Settings["imap_tls_skip_verify"] == "true"} //nolint:gosec // opt-in for test servers
	switch cfg.Setting("imap_tls", "tls") {
	case "tls":
		return imapclient.New(tls.Client(conn, tlsCfg), nil), nil
	case "starttls":
		c, err := imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: tlsCfg})
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("imap starttls: %w", err)
		}
		return c, nil
	case "none":
		return imapclient.New(conn, nil), nil
	}
	conn.Close()
	return nil, desk.FieldErrorf("settings", "imap_tls must be tls, starttls or none")
}

func (p *Poller) log() *slog.Logger {
	if p.Logger == nil {
		return slog.Default()
	}
	return p.Logger
}
