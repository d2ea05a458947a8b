package messenger

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// event is the webhook body. Messaging events stay raw until each is
// parsed on its own, so one malformed event does not sink the batch.
type event struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string            `json:"id"`
		Messaging []json.RawMessage `json:"messaging"`
	} `json:"entry"`
}

type referral struct {
	Ref    string `json:"ref"`
	Source string `json:"source"`
	Type   string `json:"type"`
	AdID   string `json:"ad_id"`
}

type messaging struct {
	Sender struct {
		ID      string `json:"id"`
		UserRef string `json:"user_ref"`
	} `json:"sender"`
	Recipient struct{ ID string } `json:"recipient"`
	Timestamp int64               `json:"timestamp"`
	Message   *struct {
		Mid           string `json:"mid"`
		Text          string `json:"text"`
		IsEcho        bool   `json:"is_echo"`
		IsDeleted     bool   `json:"is_deleted"`
		IsUnsupported bool   `json:"is_unsupported"`
		QuickReply    *struct {
			Payload string `json:"payload"`
		} `json:"quick_reply"`
		ReplyTo *struct {
			Mid   string `json:"mid"`
			Story *struct {
				URL string `json:"url"`
				ID  string `json:"id"`
			} `json:"story"`
		} `json:"reply_to"`
		StickerID   json.Number `json:"sticker_id"`
		Attachments []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			URL     string `json:"url"`
			Payload struct {
				URL         string      `json:"url"`
				Title       string      `json:"title"`
				StickerID   json.Number `json:"sticker_id"`
				Coordinates *struct {
					Lat  float64 `json:"lat"`
					Long float64 `json:"long"`
				} `json:"coordinates"`
			} `json:"payload"`
		} `json:"attachments"`
	} `json:"message"`
	Postback *struct {
		Mid      string    `json:"mid"`
		Title    string    `json:"title"`
		Payload  string    `json:"payload"`
		Referral *referral `json:"referral"`
	} `json:"postback"`
	Reaction *struct {
		Mid      string `json:"mid"`
		Action   string `json:"action"`
		Reaction string `json:"reaction"`
		Emoji    string `json:"emoji"`
	} `json:"reaction"`
	Delivery *struct {
		Mids      []string `json:"mids"`
		Watermark int64    `json:"watermark"`
	} `json:"delivery"`
	Read *struct {
		Mid       string `json:"mid"`
		Watermark int64  `json:"watermark"`
	} `json:"read"`
}

// parse maps messaging events: messages (text, attachments, quick
// replies, story replies and mentions), postbacks, reactions, echoes of
// what the page sent (stored as outbound), and delivery and read receipts
// — Messenger's carry a watermark (everything sent before it), Instagram's
// read the message ID. Every item names the page or Instagram account
// (entry.id) it came through, for routing; a malformed event is Rejected
// and the rest kept.
func (c *Channel) parse(body []byte) (*desk.WebhookResult, error) {
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, desk.Errorf(desk.EINVALID, "not a Graph webhook event: %v", err)
	} else if ev.Object != "page" && ev.Object != "instagram" {
		return nil, desk.Errorf(desk.EINVALID, "unexpected object %q", ev.Object)
	}
	res := &desk.WebhookResult{}
	for _, e := range ev.Entry {
		for _, raw := range e.Messaging {
			var m messaging
			if err := json.Unmarshal(raw, &m); err != nil {
				res.Reject(raw, "not a messaging event: %v", err)
				continue
			}
			if err := c.parseOne(res, e.ID, m, raw); err != nil {
				res.Rejected = append(res.Rejected, desk.RejectedItem{Source: raw, Reason: err})
			}
		}
	}
	return res.Checked()
}

func (c *Channel) parseOne(res *desk.WebhookResult, account string, m messaging, raw []byte) error {
	at := time.UnixMilli(m.Timestamp).UTC()
	customer := m.Sender.ID
	switch {
	case m.Message != nil && m.Message.IsEcho:
		// The page wrote: sender is the page, recipient the customer.
		in, err := c.message(m, raw)
		if err != nil {
			return err
		}
		in.From, in.To, in.Account = m.Recipient.ID, m.Sender.ID, account
		res.Echoes = append(res.Echoes, in)
	case m.Message != nil:
		in, err := c.message(m, raw)
		if err != nil {
			return err
		}
		in.Account = account
		res.Messages = append(res.Messages, in)
	case m.Postback != nil:
		p := m.Postback
		if customer == "" {
			return desk.Errorf(desk.EINVALID, "postback without a sender id")
		}
		ext := p.Mid
		if ext == "" { // older postbacks carry no mid: the tap's time names it
			ext = fmt.Sprintf("postback:%s:%d", customer, m.Timestamp)
		}
		text := replyText(firstOf(p.Title, p.Payload), p.Payload)
		if r := p.Referral; r != nil {
			text += "\n" + referralText(r)
		}
		res.Messages = append(res.Messages, desk.InboundMessage{Channel: c.kind, From: customer, To: m.Recipient.ID, ExternalID: ext,
			Type: desk.TypeText, Text: text, Account: account, Source: raw})
	case m.Reaction != nil:
		r := m.Reaction
		if r.Mid == "" || customer == "" {
			return desk.Errorf(desk.EINVALID, "reaction without mid or sender")
		}
		emoji := firstOf(r.Emoji, r.Reaction)
		if r.Action == "unreact" {
			emoji = ""
		}
		res.Reactions = append(res.Reactions, desk.Reaction{Channel: c.kind, Account: account, From: customer, ExternalID: r.Mid, Emoji: emoji, At: at})
	case m.Delivery != nil:
		for _, mid := range m.Delivery.Mids {
			res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, Account: account, ExternalID: mid, State: desk.DeliveryDelivered, At: at})
		}
		if w := m.Delivery.Watermark; w > 0 && customer != "" {
			res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, Account: account, State: desk.DeliveryDelivered,
				Watermark: true, To: customer, At: time.UnixMilli(w).UTC()})
		}
	case m.Read != nil:
		if m.Read.Mid != "" {
			res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, Account: account, ExternalID: m.Read.Mid, State: desk.DeliverySeen, At: at})
		}
		if w := m.Read.Watermark; w > 0 && customer != "" {
			res.Receipts = append(res.Receipts, desk.Receipt{Channel: c.kind, Account: account, State: desk.DeliverySeen,
				Watermark: true, To: customer, At: time.UnixMilli(w).UTC()})
		}
	}
	return nil
}

// message maps a message event's content; From is the sender.
func (c *Channel) message(m messaging, raw []byte) (desk.InboundMessage, error) {
	msg := m.Message
	if msg.Mid == "" || m.Sender.ID == "" {
		return desk.InboundMessage{}, desk.Errorf(desk.EINVALID, "message without mid or sender")
	}
	in := desk.InboundMessage{Channel: c.kind, From: m.Sender.ID, To: m.Recipient.ID, ExternalID: msg.Mid, Type: desk.TypeText, Text: msg.Text, Source: raw}
	var notes []string
	for _, a := range msg.Attachments {
		url := firstOf(a.Payload.URL, a.URL)
		switch a.Type {
		case "location":
			if co := a.Payload.Coordinates; co != nil {
				in.Type = desk.TypeLocation
				in.Location = &desk.Location{Name: a.Title, Latitude: co.Lat, Longitude: co.Long}
				in.Text = strings.TrimSpace(fmt.Sprintf("%s (%g, %g)", a.Title, co.Lat, co.Long))
			}
			continue
		case "story_mention":
			notes = append(notes, "Mentioned you in their story: "+url)
			continue
		case "fallback", "share", "template":
			notes = append(notes, "Shared "+firstOf(a.Title, a.Payload.Title, a.Type)+": "+url)
			continue
		case "ig_reel", "reel":
			notes = append(notes, "Shared a reel: "+url)
			continue
		}
		if url == "" {
			continue
		}
		in.Attachments = append(in.Attachments, desk.Attachment{URL: url})
		if in.Type == desk.TypeText {
			in.Type = attachmentType(a.Type)
		}
		if sid := firstOf(string(a.Payload.StickerID), string(msg.StickerID)); sid != "" && a.Type == "image" {
			notes = append(notes, "Sticker "+sid)
		}
	}
	if q := msg.QuickReply; q != nil && q.Payload != "" {
		in.Text = replyText(in.Text, q.Payload)
	}
	if r := msg.ReplyTo; r != nil && r.Story != nil {
		notes = append([]string{"Replied to your story: " + r.Story.URL}, notes...)
	}
	if msg.IsUnsupported {
		notes = append(notes, "Unsupported message (the app cannot show it)")
	}
	if len(notes) > 0 {
		in.Text = strings.TrimSpace(strings.Join(append([]string{in.Text}, notes...), "\n"))
	}
	return in, nil
}

// replyText shows a tapped button or quick reply: its title and the
// payload the page set on it.
func replyText(title, payload string) string {
	if payload == "" || payload == title {
		return title
	}
	return title + " [payload: " + payload + "]"
}

func referralText(r *referral) string {
	s := "[Referral " + firstOf(r.Source, "?")
	if r.Ref != "" {
		s += " ref " + r.Ref
	}
	if r.AdID != "" {
		s += " ad " + r.AdID
	}
	return s + "]"
}

func attachmentType(t string) string {
	switch t {
	case "image":
		return desk.TypeImage
	case "video":
		return desk.TypeVideo
	case "audio":
		return desk.TypeAudio
	}
	return desk.TypeFile
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
