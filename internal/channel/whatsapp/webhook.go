package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// notification is the webhook body: entries of changes whose value holds
// messages and statuses.
type notification struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value value  `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type value struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []message `json:"messages"`
	Statuses []status  `json:"statuses"`
}

type media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      struct {
		Body string `json:"body"`
	} `json:"text"`
	Image    *media `json:"image"`
	Document *media `json:"document"`
	Video    *media `json:"video"`
	Audio    *struct {
		media
		Voice bool `json:"voice"`
	} `json:"audio"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
	Button *struct {
		Text string `json:"text"`
	} `json:"button"`
}

type status struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Timestamp string `json:"timestamp"`
	Errors    []struct {
		Code    int    `json:"code"`
		Title   string `json:"title"`
		Message string `json:"message"`
	} `json:"errors"`
}

// parseNotification turns a notification into messages and receipts. A body
// that is not a WhatsApp notification is EINVALID.
func parseNotification(body []byte) (*desk.WebhookResult, error) {
	var n notification
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&n); err != nil {
		return nil, desk.Errorf(desk.EINVALID, "not a WhatsApp notification: %v", err)
	} else if n.Object != "whatsapp_business_account" {
		return nil, desk.Errorf(desk.EINVALID, "unexpected object %q", n.Object)
	}
	res := &desk.WebhookResult{}
	for _, e := range n.Entry {
		for _, ch := range e.Changes {
			v := ch.Value
			names := map[string]string{}
			for _, c := range v.Contacts {
				names[c.WaID] = c.Profile.Name
			}
			for _, m := range v.Messages {
				in, err := inbound(m)
				if err != nil {
					return nil, err
				}
				in.To, in.Name = v.Metadata.DisplayPhoneNumber, names[m.From]
				res.Messages = append(res.Messages, in)
			}
			for _, s := range v.Statuses {
				r, ok := receipt(s)
				if ok {
					res.Receipts = append(res.Receipts, r)
				}
			}
		}
	}
	return res.Checked()
}

// inbound maps one message by its type (D1).
func inbound(m message) (desk.InboundMessage, error) {
	in := desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: m.From, ExternalID: m.ID, Type: desk.TypeText}
	if m.ID == "" || m.From == "" {
		return in, desk.Errorf(desk.EINVALID, "message without id or from")
	}
	attach := func(typ string, md *media) error {
		if md == nil {
			return desk.Errorf(desk.EINVALID, "%s message without its %s object", m.Type, m.Type)
		}
		in.Type, in.Text = typ, md.Caption
		in.Attachments = []desk.Attachment{{Name: md.Filename, ContentType: md.MimeType, URL: mediaPrefix + md.ID}}
		return nil
	}
	var err error
	switch m.Type {
	case "text":
		in.Text = m.Text.Body
	case "image":
		err = attach(desk.TypeImage, m.Image)
	case "document":
		err = attach(desk.TypeFile, m.Document)
	case "video":
		err = attach(desk.TypeVideo, m.Video)
	case "audio":
		if m.Audio == nil {
			return in, desk.Errorf(desk.EINVALID, "audio message without its audio object")
		}
		err = attach(desk.TypeAudio, &m.Audio.media)
		if m.Audio.Voice {
			in.Type = desk.TypeVoice
		}
	case "location":
		if m.Location == nil {
			return in, desk.Errorf(desk.EINVALID, "location message without its location object")
		}
		l := m.Location
		in.Type, in.Location = desk.TypeLocation, &desk.Location{Name: l.Name, Latitude: l.Latitude, Longitude: l.Longitude}
		in.Text = fmt.Sprintf("%s (%g, %g)", l.Name, l.Latitude, l.Longitude)
	case "button":
		if m.Button != nil {
			in.Text = m.Button.Text
		}
	default:
		// Types the desk cannot show (stickers, reactions, ...) still arrive,
		// so the agent sees the customer wrote.
		in.Text = "[" + m.Type + " message]"
	}
	return in, err
}

// receipt maps a status; "read" is the desk's "seen".
func receipt(s status) (desk.Receipt, bool) {
	r := desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: s.ID, At: unixTime(s.Timestamp)}
	switch s.Status {
	case "sent":
		r.State = desk.DeliverySent
	case "delivered":
		r.State = desk.DeliveryDelivered
	case "read":
		r.State = desk.DeliverySeen
	case "failed":
		r.State, r.Reason = desk.DeliveryFailed, "failed"
		if len(s.Errors) > 0 {
			r.Reason = fmt.Sprintf("%d %s", s.Errors[0].Code, s.Errors[0].Title)
		}
	default:
		return r, false
	}
	return r, s.ID != ""
}

func unixTime(s string) time.Time {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}
