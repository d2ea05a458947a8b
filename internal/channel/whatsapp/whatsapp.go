// Package whatsapp is the WhatsApp Business Cloud API adapter (Meta Graph
// API wire format): the webhook verification handshake, X-Hub-Signature-256
// checks, inbound text/media/location messages, status receipts and sends
// through POST {base}/{phone-number-id}/messages.
//
// Settings: base_url (default https://graph.facebook.com/v21.0),
// phone_number_id. Secrets: app_secret (signatures), verify_token
// (handshake), access_token (sends).
package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// DefaultBaseURL is the Graph API the adapter talks to unless configured.
const DefaultBaseURL = "https://graph.facebook.com/v21.0"

// Channel is a WhatsApp number; it implements desk.Channel.
type Channel struct {
	baseURL       string
	phoneNumberID string
	appSecret     string
	verifyToken   string
	accessToken   string
	client        *http.Client
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter of a configured channel. It refuses a config
// without the app secret, since unsigned webhooks would then pass.
func New(cfg *desk.ChannelConfig, client *http.Client) (desk.Channel, error) {
	c := &Channel{
		baseURL:       strings.TrimRight(cfg.Setting("base_url", DefaultBaseURL), "/"),
		phoneNumberID: cfg.Settings["phone_number_id"],
		appSecret:     cfg.Secrets["app_secret"],
		verifyToken:   cfg.Secrets["verify_token"],
		accessToken:   cfg.Secrets["access_token"],
		client:        client,
	}
	if c.appSecret == "" {
		return nil, desk.FieldErrorf("secrets", "whatsapp needs the app_secret secret")
	} else if c.phoneNumberID == "" {
		return nil, desk.FieldErrorf("settings", "whatsapp needs the phone_number_id setting")
	}
	return c, nil
}

// Kind returns desk.ChannelWhatsApp.
func (c *Channel) Kind() string { return desk.ChannelWhatsApp }

// Capabilities returns WhatsApp's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(desk.ChannelWhatsApp) }

// HandleWebhook answers the GET verification handshake and parses signed
// POST notifications.
func (c *Channel) HandleWebhook(ctx context.Context, req *desk.WebhookRequest) (*desk.WebhookResult, error) {
	if req.Method == http.MethodGet {
		return c.verify(req)
	}
	if !validSignature(c.appSecret, req.Body, http.Header(req.Header).Get("X-Hub-Signature-256")) {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "missing or wrong X-Hub-Signature-256")
	}
	return parseNotification(req.Body)
}

// verify answers Meta's subscription handshake: hub.mode=subscribe with our
// verify token is echoed hub.challenge.
func (c *Channel) verify(req *desk.WebhookRequest) (*desk.WebhookResult, error) {
	q := func(k string) string {
		if v := req.Query[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if q("hub.mode") != "subscribe" || c.verifyToken == "" ||
		!hmac.Equal([]byte(q("hub.verify_token")), []byte(c.verifyToken)) {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "wrong hub.verify_token")
	}
	return &desk.WebhookResult{Reply: &desk.WebhookReply{Status: http.StatusOK, ContentType: "text/plain", Body: []byte(q("hub.challenge"))}}, nil
}

// validSignature checks "sha256=<hex HMAC-SHA256 of the body>".
func validSignature(secret string, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sig, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// Sign returns the X-Hub-Signature-256 value of body, for fakes and
// benchmarks that play Meta.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// OwnsAccount reports whether id is this channel's phone_number_id: one
// Meta app calls one URL for all its numbers (desk.AccountOwner).
func (c *Channel) OwnsAccount(id string) bool { return id == c.phoneNumberID }
