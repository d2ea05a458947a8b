// Package signed is the generic signed-webhook adapter for channels reached
// through a relay (Apple Messages for Business, Google Business Messages,
// Kakao Sangdam): JSON events signed with an HMAC-SHA256 header, and sends
// POSTed, signed the same way, to {base}/messages.
//
// Wire format. Inbound body:
//
//	{"events":[
//	  {"type":"message","id":"m1","from":"u1","to":"biz","text":"hi","message_type":"text","name":"Ann"},
//	  {"type":"status","message_id":"out1","status":"delivered|seen|failed","reason":"..."}]}
//
// signed as "<signature_header>: sha256=<hex HMAC-SHA256(secret, body)>".
// Outbound: {"idempotency_key","from","to","type","text","attachments","location"},
// answered {"id":"..."}; 429 and 5xx are retried, other errors are final.
//
// Settings: base_url (required), signature_header (default X-Signature-256).
// Secrets: secret.
package signed

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Channel is one relayed channel account; it implements desk.Channel.
type Channel struct {
	kind, baseURL, header, secret string
	client                        *http.Client
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter for cfg.Kind; the secret is required.
func New(cfg *desk.ChannelConfig, client *http.Client) (desk.Channel, error) {
	c := &Channel{kind: cfg.Kind, baseURL: strings.TrimRight(cfg.Settings["base_url"], "/"),
		header: cfg.Setting("signature_header", "X-Signature-256"), secret: cfg.Secrets["secret"], client: client}
	if c.secret == "" {
		return nil, desk.FieldErrorf("secrets", "signed webhooks need the secret secret")
	}
	return c, nil
}

// Kind returns the configured kind (apple, google, kakao, ...).
func (c *Channel) Kind() string { return c.kind }

// Capabilities returns the kind's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(c.kind) }

// Sign returns the signature header value of body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

type envelope struct {
	Events []struct {
		Type        string `json:"type"`
		ID          string `json:"id"`
		From        string `json:"from"`
		To          string `json:"to"`
		Text        string `json:"text"`
		MessageType string `json:"message_type"`
		Name        string `json:"name"`
		MessageID   string `json:"message_id"`
		Status      string `json:"status"`
		Reason      string `json:"reason"`
	} `json:"events"`
}

// HandleWebhook checks the signature and parses the events.
func (c *Channel) HandleWebhook(ctx context.Context, req *desk.WebhookRequest) (*desk.WebhookResult, error) {
	if !hmac.Equal([]byte(http.Header(req.Header).Get(c.header)), []byte(Sign(c.secret, req.Body))) {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "missing or wrong %s", c.header)
	}
	var env envelope
	if err := json.Unmarshal(req.Body, &env); err != nil || env.Events == nil {
		return nil, desk.Errorf(desk.EINVALID, "not an events envelope")
	}
	res := &desk.WebhookResult{}
	for _, e := range env.Events {
		switch e.Type {
		case "message":
			res.Messages = append(res.Messages, desk.InboundMessage{Channel: c.kind, From: e.From, To: e.To, Text: e.Text,
				Type: e.MessageType, ExternalID: e.ID, Name: e.Name})
		case "status":
			state := map[string]string{"sent": desk.DeliverySent, "delivered": desk.DeliveryDelivered, "seen": desk.DeliverySeen,
				"read": desk.DeliverySeen, "failed": desk.DeliveryFailed}[e.Status]
			if state == "" || e.MessageID == "" {
				return nil, desk.Errorf(desk.EINVALID, "status event with unknown status %q or no message_id", e.Status)
			}
			res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, ExternalID: e.MessageID, State: state, Reason: e.Reason, At: time.Now().UTC()})
		default:
			return nil, desk.Errorf(desk.EINVALID, "unknown event type %q", e.Type)
		}
	}
	return res, nil
}

// Send posts the message, signed, to {base}/messages.
func (c *Channel) Send(ctx context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	body, _ := json.Marshal(map[string]any{"idempotency_key": m.IdempotencyKey, "from": m.From, "to": m.To, "type": m.Type,
		"text": m.Text, "attachments": m.Attachments, "location": m.Location})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/messages", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(c.header, Sign(c.secret, body))
	req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s send: %w", c.kind, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil, fmt.Errorf("%s send: HTTP %d", c.kind, resp.StatusCode)
	} else if resp.StatusCode/100 != 2 {
		return nil, desk.Errorf(desk.EINVALID, "%s send: HTTP %d %.200s", c.kind, resp.StatusCode, raw)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.ID == "" {
		return nil, fmt.Errorf("%s send: unexpected response %.200s", c.kind, raw)
	}
	return &desk.SendResult{ExternalID: out.ID}, nil
}
