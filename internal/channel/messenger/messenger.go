// Package messenger is the Facebook Messenger and Instagram adapter (Meta
// Graph webhook format): the hub.challenge handshake, X-Hub-Signature-256,
// "messaging" events (messages, delivery, read), and sends through
// POST {base}/me/messages with the page access token. One package serves
// both kinds: Instagram messaging is the same API on object "instagram".
//
// Settings: base_url (default https://graph.facebook.com/v21.0), page_id
// (Instagram: instagram_id) — the account the channel owns when one app
// serves several pages.
// Secrets: app_secret, verify_token, page_access_token.
package messenger

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// DefaultBaseURL is the Graph API.
const DefaultBaseURL = "https://graph.facebook.com/v21.0"

// Channel is a Facebook page or Instagram account; it implements
// desk.Channel.
type Channel struct {
	kind                                       string
	baseURL, appSecret, verifyToken, pageToken string
	// account is the page ID (Instagram: the Instagram account ID) the
	// channel owns; empty: every account on its URL (one-page setups).
	account string
	client  *http.Client
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter for cfg.Kind (messenger or instagram).
func New(cfg *desk.ChannelConfig, client *http.Client) (desk.Channel, error) {
	c := &Channel{kind: cfg.Kind, baseURL: strings.TrimRight(cfg.Setting("base_url", DefaultBaseURL), "/"),
		appSecret: cfg.Secrets["app_secret"], verifyToken: cfg.Secrets["verify_token"], pageToken: cfg.Secrets["page_access_token"], client: client,
		account: cfg.Setting("page_id", cfg.Settings["instagram_id"])}
	if c.kind != desk.ChannelInstagram {
		c.kind = desk.ChannelMessenger
	}
	if c.appSecret == "" {
		return nil, desk.FieldErrorf("secrets", "%s needs the app_secret secret", c.kind)
	}
	return c, nil
}

// OwnsAccount reports whether id is the channel's page (Instagram
// account); one Meta app calls one URL for all its pages
// (desk.AccountOwner). A channel configured without one owns them all.
func (c *Channel) OwnsAccount(id string) bool { return c.account == "" || id == c.account }

// Kind returns messenger or instagram.
func (c *Channel) Kind() string { return c.kind }

// Capabilities returns the kind's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(c.kind) }

// Sign returns the X-Hub-Signature-256 value of body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// HandleWebhook answers the handshake and parses signed events.
func (c *Channel) HandleWebhook(ctx context.Context, req *desk.WebhookRequest) (*desk.WebhookResult, error) {
	if req.Method == http.MethodGet {
		q := func(k string) string {
			if v := req.Query[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		if q("hub.mode") != "subscribe" || c.verifyToken == "" || !hmac.Equal([]byte(q("hub.verify_token")), []byte(c.verifyToken)) {
			return nil, desk.Errorf(desk.EUNAUTHENTICATED, "wrong hub.verify_token")
		}
		return &desk.WebhookResult{Reply: &desk.WebhookReply{Status: http.StatusOK, ContentType: "text/plain", Body: []byte(q("hub.challenge"))}}, nil
	}
	if !hmac.Equal([]byte(http.Header(req.Header).Get("X-Hub-Signature-256")), []byte(Sign(c.appSecret, req.Body))) {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "missing or wrong X-Hub-Signature-256")
	}
	return c.parse(req.Body)
}
