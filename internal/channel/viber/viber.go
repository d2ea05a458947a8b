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
	"strconv"
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
	Sender       *user       `json:"sender"`
	User         *user       `json:"user"` // subscribed, conversation_started
	Context      string      `json:"context"`
	Subscribed   bool        `json:"subscribed"`
	Message      *struct {
		Type      string      `json:"type"`
		Text      string      `json:"text"`
		Media     string      `json:"media"`
		FileName  string      `json:"file_name"`
		Size      json.Number `json:"size"`
		StickerID json.Number `json:"sticker_id"`
		Contact   *struct {
			Name        string `json:"name"`
			PhoneNumber string `json:"phone_number"`
		} `json:"contact"`
		Location *struct {
			Lat number `json:"lat"`
			Lon number `json:"lon"`
		} `json:"location"`
	} `json:"message"`
}

type user struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Avatar   string `json:"avatar"`
	Language string `json:"language"`
}

// profile is what Viber tells of a sender beyond the name, as customer
// attributes: the avatar's URL (an http(s) link only) and the language.
func (u *user) profile() map[string]string {
	p := map[string]string{}
	if a := strings.TrimSpace(u.Avatar); strings.HasPrefix(a, "https://") || strings.HasPrefix(a, "http://") {
		p["avatar_url"] = a
	}
	if l := strings.TrimSpace(u.Language); l != "" {
		p["language"] = l
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

// number is a coordinate Viber sends as a JSON number or, in its
// documented examples, a string.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	var v float64
	if err := json.Unmarshal(bytes.Trim(b, `"`), &v); err != nil {
		return err
	}
	*n = number(v)
	return nil
}

// HandleWebhook checks the signature and parses one callback: messages of
// every documented type with their content, delivered/seen/failed
// receipts, and the subscription events — unsubscribed opts the user out
// (nothing can be sent to them until they subscribe again), subscribed and
// conversation_started with subscribed=true opt them back in.
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
		in, err := inbound(cb)
		if err != nil {
			return nil, err
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
	case "unsubscribed":
		if cb.UserID == "" {
			return nil, desk.Errorf(desk.EINVALID, "unsubscribed event without user_id")
		}
		res.Events = []desk.ContactEvent{{Kind: desk.ContactOptOut, Channel: desk.ChannelViber, Address: cb.UserID, Reason: "unsubscribed", At: at}}
	case "subscribed":
		if cb.User == nil || cb.User.ID == "" {
			return nil, desk.Errorf(desk.EINVALID, "subscribed event without user")
		}
		res.Events = []desk.ContactEvent{{Kind: desk.ContactOptIn, Channel: desk.ChannelViber, Address: cb.User.ID, Reason: "subscribed", At: at}}
	case "conversation_started":
		// The user opened the chat; a subscribed user is sendable again.
		// One not subscribed stays as they were: Viber lets the bot answer
		// this event once (a welcome message), not send to them later.
		if cb.User != nil && cb.User.ID != "" && cb.Subscribed {
			res.Events = []desk.ContactEvent{{Kind: desk.ContactOptIn, Channel: desk.ChannelViber, Address: cb.User.ID, Reason: "conversation_started", At: at}}
		}
	}
	// webhook (the set_webhook check) and client_status: acknowledged.
	return res.Checked()
}

// inbound maps a message by its documented type (D1), content kept.
func inbound(cb callback) (desk.InboundMessage, error) {
	m := cb.Message
	in := desk.InboundMessage{Channel: desk.ChannelViber, From: cb.Sender.ID, Name: cb.Sender.Name, Profile: cb.Sender.profile(),
		ExternalID: cb.MessageToken.String(), Type: desk.TypeText, Text: m.Text}
	switch m.Type {
	case "text":
	case "picture":
		in.Type, in.Attachments = desk.TypeImage, []desk.Attachment{{URL: m.Media}}
	case "video":
		in.Type, in.Attachments = desk.TypeVideo, []desk.Attachment{{URL: m.Media, Size: size(m.Size)}}
	case "file":
		in.Type, in.Attachments = desk.TypeFile, []desk.Attachment{{Name: m.FileName, URL: m.Media, Size: size(m.Size)}}
		in.Text = ""
	case "sticker":
		in.Type, in.Attachments = desk.TypeImage, []desk.Attachment{{URL: m.Media}}
		in.Text = "Sticker " + m.StickerID.String()
	case "url":
		in.Text = m.Media
		if m.Text != "" && m.Text != m.Media {
			in.Text = m.Text + "\n" + m.Media
		}
	case "contact":
		if m.Contact == nil {
			return in, desk.Errorf(desk.EINVALID, "contact message without contact")
		}
		in.Text = "BEGIN:VCARD\nVERSION:3.0\nFN:" + m.Contact.Name + "\nTEL;TYPE=CELL:" + m.Contact.PhoneNumber + "\nEND:VCARD"
	case "location":
		if m.Location == nil {
			return in, desk.Errorf(desk.EINVALID, "location message without location")
		}
		lat, lon := float64(m.Location.Lat), float64(m.Location.Lon)
		in.Type, in.Location = desk.TypeLocation, &desk.Location{Latitude: lat, Longitude: lon}
		in.Text = fmt.Sprintf("(%g, %g)", lat, lon)
	default:
		in.Text = strings.TrimSpace("Unsupported Viber message type " + strconv.Quote(m.Type) + " " + m.Text)
	}
	if in.Type != desk.TypeText && len(in.Attachments) > 0 && in.Attachments[0].URL == "" {
		return in, desk.Errorf(desk.EINVALID, "%s message without media", m.Type)
	}
	return in, nil
}

func size(n json.Number) int64 { v, _ := n.Int64(); return v }

func mustHex(s string) []byte { b, _ := hex.DecodeString(s); return b }
