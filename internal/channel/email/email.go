// Package email is the email channel (H1): inbound mail arrives through the
// SMTP listener (Listener, --smtp-addr) and is parsed here (Parse) into a
// customer message, a bounce (a failed-delivery receipt) or an auto-reply
// (ignored, never threaded as a customer message); outbound replies are
// composed as MIME and sent over SMTP with the thread's Message-IDs.
//
// Settings: smtp_addr (host:port of the outgoing relay), smtp_tls
// ("starttls", the default; "tls" for implicit TLS on 465; "none"),
// smtp_username, smtp_tls_skip_verify ("true" only for test relays).
// Secrets: smtp_password. The channel's sender is our address.
package email

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TLS modes of the outgoing relay.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
	TLSNone     = "none"
)

// Channel is an email account; it implements desk.Channel.
type Channel struct {
	from       string // our address
	addr       string // the relay's host:port
	tlsMode    string
	username   string
	password   string
	skipVerify bool
	now        func() time.Time
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter from a channel configuration: the sender and
// smtp_addr are required, and a username needs its password. The HTTP
// client is unused (the registry's factory signature).
func New(cfg *desk.ChannelConfig, _ *http.Client) (desk.Channel, error) {
	c := &Channel{from: strings.ToLower(cfg.Sender), addr: cfg.Settings["smtp_addr"], tlsMode: cfg.Setting("smtp_tls", TLSStartTLS),
		username: cfg.Settings["smtp_username"], password: cfg.Secrets["smtp_password"],
		skipVerify: cfg.Settings["smtp_tls_skip_verify"] == "true", now: time.Now}
	switch {
	case !strings.Contains(c.from, "@"):
		return nil, desk.FieldErrorf("sender", "an email channel's sender is its email address")
	case c.addr == "":
		return nil, desk.FieldErrorf("settings", "email needs the smtp_addr setting (host:port of the outgoing relay)")
	case c.tlsMode != TLSStartTLS && c.tlsMode != TLSImplicit && c.tlsMode != TLSNone:
		return nil, desk.FieldErrorf("settings", "smtp_tls must be starttls, tls or none")
	case c.username != "" && c.password == "":
		return nil, desk.FieldErrorf("secrets", "smtp_username needs the smtp_password secret")
	}
	return c, nil
}

// Kind returns desk.ChannelEmail.
func (c *Channel) Kind() string { return desk.ChannelEmail }

// Capabilities returns email's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(desk.ChannelEmail) }

// HandleWebhook refuses: email has no webhook, it arrives over SMTP (or
// IMAP) and is parsed by Parse.
func (c *Channel) HandleWebhook(context.Context, *desk.WebhookRequest) (*desk.WebhookResult, error) {
	return nil, desk.Errorf(desk.ENOTFOUND, "email channels receive mail over SMTP, not webhooks")
}
