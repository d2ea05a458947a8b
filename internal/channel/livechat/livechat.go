// Package livechat is Switchboard's own web chat (K): an embeddable widget
// script (web/embedded/widget.ts, built by the web build and served at
// /widget.js) opens a WebSocket to the server; visitors hold a
// signed session token (kept in the browser's localStorage) that survives
// page reloads; messages flow both ways, with delivered and seen receipts
// both ways; texts are limited to 4096 characters (D4).
//
// The Hub keeps the visitors' open sockets of this node; the adapter's Send
// pushes an agent's reply to them (a visitor who is away reads it in the
// history sent when they reconnect).
//
// Secrets: session_secret (signs visitor sessions, at least 16 bytes);
// identity_secret (optional, at least 16 bytes: verifies the user IDs a
// site signs for its signed-in visitors, see identity.go).
// Settings: allowed_origins (comma-separated host patterns of the pages
// that may embed the widget, e.g. "shop.example.com,*.example.org"; empty
// allows any page); prechat (the pre-chat form's fields: "name",
// "email" or "name,email"; empty: no form); the rate limits of visitors
// (see Limits).
package livechat

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Channel is one Live Chat widget configuration; it implements
// desk.Channel.
type Channel struct {
	id       desk.ID
	hub      *Hub
	sessions Sessions
	origins  []string
	limits   Limits
	now      func() time.Time
	// identitySecret verifies signed user IDs; empty: none are.
	identitySecret []byte
	prechat        []string
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter of cfg on the hub (a registry.Factory once bound
// to a hub, see Hub.Factory).
func New(hub *Hub, cfg *desk.ChannelConfig) (*Channel, error) {
	secret := cfg.Secrets["session_secret"]
	if len(secret) < 16 {
		return nil, desk.FieldErrorf("secrets", "livechat needs a session_secret of at least 16 characters")
	}
	limits, err := limitsOf(cfg.Settings)
	if err != nil {
		return nil, err
	}
	c := &Channel{id: cfg.ID, hub: hub, sessions: Sessions{Secret: []byte(secret), ChannelID: cfg.ID}, limits: limits, now: time.Now,
		prechat: prechatFields(cfg.Settings["prechat"])}
	if id := cfg.Secrets["identity_secret"]; id != "" {
		if len(id) < 16 {
			return nil, desk.FieldErrorf("secrets", "livechat's identity_secret needs at least 16 characters")
		}
		c.identitySecret = []byte(id)
	}
	for _, o := range strings.Split(cfg.Settings["allowed_origins"], ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.origins = append(c.origins, o)
		}
	}
	return c, nil
}

// Kind returns desk.ChannelLiveChat.
func (c *Channel) Kind() string { return desk.ChannelLiveChat }

// Capabilities returns Live Chat's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(desk.ChannelLiveChat) }

// HandleWebhook refuses: visitors talk over the WebSocket, not webhooks.
func (c *Channel) HandleWebhook(context.Context, *desk.WebhookRequest) (*desk.WebhookResult, error) {
	return nil, desk.Errorf(desk.ENOTFOUND, "live chat visitors connect over the WebSocket, not webhooks")
}

// Send pushes an agent's message to the visitor's open sockets on this
// node and, through the hub's relay, on every other node; its files go as
// data with fresh links (File). It succeeds whether or not the visitor is
// connected: the message
// is in the thread they receive on (re)connecting, and their widget's
// delivered and seen receipts move it on.
func (c *Channel) Send(_ context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	id := "lc-" + m.IdempotencyKey
	now := c.now().UTC()
	// The files go as data, with links signed by the hub (relative to the
	// server, see File.URL), not the provider links m's URLs hold; the
	// visitor is m.To, so these are files of their own conversation.
	files := filesOf(m.Attachments, c.hub.fileLinks(), now)
	c.hub.Send(m.To, Event{Type: EventMessage, ID: id, Direction: desk.DirectionOut, Text: m.Text, Files: files, At: now})
	return &desk.SendResult{ExternalID: id}, nil
}

// Sessions returns the channel's session signer.
func (c *Channel) Sessions() Sessions { return c.sessions }

// Factory returns the registry factory of Live Chat adapters on this hub.
func (h *Hub) Factory() func(cfg *desk.ChannelConfig, _ *http.Client) (desk.Channel, error) {
	return func(cfg *desk.ChannelConfig, _ *http.Client) (desk.Channel, error) { return New(h, cfg) }
}

// VisitorOf returns the visitor a session token names on this channel, or
// EUNAUTHENTICATED (for HTTP requests of the widget, such as uploads).
func (c *Channel) VisitorOf(token string) (string, error) {
	return c.sessions.Verify(token, c.now())
}

// Allow takes one message's (a file's) worth of the visitor address's and
// the channel's message limits, or returns how long to wait (the HTTP
// layer's file uploads).
func (c *Channel) Allow(addr string) time.Duration {
	return c.hub.limits.allow(c.id, c.limits, limitMessages, addr, c.now())
}
