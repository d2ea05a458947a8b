// Package viber is the Viber Bot adapter (Viber REST Bot API format):
// callbacks signed with X-Viber-Content-Signature (hex HMAC-SHA256 of the
// body with the bot's auth token), message/delivered/seen/failed events,
// and sends through POST {base}/pa/send_message.
//
// Settings: base_url (default https://chatapi.viber.com), sender_name
// (shown to users, default the channel's name). Secrets: auth_token.
package viber

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// DefaultBaseURL is Viber's Bot API.
const DefaultBaseURL = "https://chatapi.viber.com"

// Channel is a Viber bot; it implements desk.Channel.
type Channel struct {
	baseURL, authToken, senderName string
	client                         *http.Client
}

var _ desk.Channel = (*Channel)(nil)

// New builds the adapter; the auth token is required.
func New(cfg *desk.ChannelConfig, client *http.Client) (desk.Channel, error) {
	c := &Channel{baseURL: strings.TrimRight(cfg.Setting("base_url", DefaultBaseURL), "/"), authToken: cfg.Secrets["auth_token"],
		senderName: cfg.Setting("sender_name", cfg.Name), client: client}
	if c.authToken == "" {
		return nil, desk.FieldErrorf("secrets", "viber needs the auth_token secret")
	}
	return c, nil
}

// Kind returns desk.ChannelViber.
func (c *Channel) Kind() string { return desk.ChannelViber }

// Capabilities returns Viber's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(desk.ChannelViber) }

// Sign returns the X-Viber-Content-Signature of body.
func Sign(authToken string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(authToken))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// callback is a Viber event; message_token is a 64-bit number, kept exact
// through json.Number.
type callback struct {
	Event        string      `json:"event"`
	Timestamp    int64       `json:"timestamp"`
	MessageToken json.Number `json:"message_token"`
	UserID       string      `json:"user_id"`
	Desc         string      `json:"desc"`
	Sender       *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"sender"`
	Message *struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Media    string `json:"media"`
		FileName string `json:"file_name"`
		Location *struct {
			Lat float64 `json:"lat"`
			Lon float64 `json:"lon"`
		} `json:"location"`
	} `json:"message"`
}

// HandleWebhook checks the signature and parses one callback.
func (c *Channel) HandleWebhook(ctx context.Context, req *desk.WebhookRequest) (*desk.WebhookResult, error) {
	sig, err := hex.DecodeString(http.Header(req.Header).Get("X-Viber-Content-Signature"))
	if err != nil || len(sig) == 0 || !hmac.Equal(sig, mustHex(Sign(c.authToken, req.Body))) {
		return nil, desk.Errorf(desk.EUNAUTHENTICATED, "missing or wrong X-Viber-Content-Signature")
	}
	var cb callback
	dec := json.NewDecoder(bytes.NewReader(req.Body))
	dec.UseNumber()
	if err := dec.Decode(&cb); err != nil || cb.Event == "" {
		return nil, desk.Errorf(desk.EINVALID, "not a Viber callback")
	}
	at := time.UnixMilli(cb.Timestamp).UTC()
	res := &desk.WebhookResult{}
	switch cb.Event {
	case "message":
		if cb.Sender == nil || cb.Message == nil || cb.MessageToken == "" {
			return nil, desk.Errorf(desk.EINVALID, "message event without sender, message or token")
		}
		in := desk.InboundMessage{Channel: desk.ChannelViber, From: cb.Sender.ID, Name: cb.Sender.Name, ExternalID: cb.MessageToken.String(),
			Type: desk.TypeText, Text: cb.Message.Text}
		switch m := cb.Message; m.Type {
		case "text":
		case "picture":
			in.Type, in.Attachments = desk.TypeImage, []desk.Attachment{{URL: m.Media}}
		case "video":
			in.Type, in.Attachments = desk.TypeVideo, []desk.Attachment{{URL: m.Media}}
		case "file":
			in.Type, in.Attachments = desk.TypeFile, []desk.Attachment{{Name: m.FileName, URL: m.Media}}
		case "location":
			if m.Location == nil {
				return nil, desk.Errorf(desk.EINVALID, "location message without location")
			}
			in.Type, in.Location = desk.TypeLocation, &desk.Location{Latitude: m.Location.Lat, Longitude: m.Location.Lon}
			in.Text = fmt.Sprintf("(%g, %g)", m.Location.Lat, m.Location.Lon)
		default:
			in.Text = "[" + m.Type + " message]"
		}
		res.Messages = []desk.InboundMessage{in}
	case "delivered", "seen", "failed":
		r := desk.Receipt{Channel: desk.ChannelViber, ExternalID: cb.MessageToken.String(), At: at, State: cb.Event}
		switch cb.Event {
		case "delivered":
			r.State = desk.DeliveryDelivered
		case "seen":
			r.State = desk.DeliverySeen
		case "failed":
			r.State, r.Reason = desk.DeliveryFailed, cb.Desc
		}
		res.Receipts = []desk.Receipt{r}
	}
	// webhook, subscribed, unsubscribed, conversation_started: acknowledged.
	return res, nil
}

func mustHex(s string) []byte { b, _ := hex.DecodeString(s); return b }
