// Package outbound is the way out of Switchboard: the channel rules a reply
// must pass before anything is stored or sent (D4–D7), the reply service
// that stores a message and its send job together (the outbox), and the
// workers that deliver the jobs through the channel adapters.
package outbound

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Verdict is what the rules found out about an acceptable message.
type Verdict struct {
	// Segments and Encoding are set on segmented (SMS) channels.
	Segments int    `json:"segments,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Check applies a channel's rules to a message before it is stored:
// message type against capabilities (D5, D7), length limits and SMS
// segments (D4), media size and type (D4) and the customer-care window
// (D6, from the customer's last message). Breaches are 4xx errors with a
// code; nothing is sent.
func Check(kind string, caps desk.Capabilities, m *desk.OutboundMessage, lastCustomerAt *time.Time, now time.Time) (Verdict, error) {
	var v Verdict
	typ := m.Type
	if typ == "" {
		typ = desk.TypeText
	}
	if err := checkType(kind, caps, typ, m); err != nil {
		return v, err
	}
	if caps.SessionWindowHours > 0 && typ != desk.TypeTemplate {
		window := time.Duration(caps.SessionWindowHours) * time.Hour
		if lastCustomerAt == nil || now.Sub(*lastCustomerAt) > window {
			return v, &desk.Error{Kind: desk.EINVALID, Code: "template_required", Field: "type",
				Message: "the customer's last message is more than 24 hours old: only a registered template may be sent"}
		}
	}
	if typ != desk.TypeTemplate && caps.MaxTextLength > 0 {
		if n := utf8.RuneCountInString(m.Text); n > caps.MaxTextLength {
			return v, &desk.Error{Kind: desk.EINVALID, Code: "text_too_long", Field: "text",
				Message: "the text is longer than this channel allows", Detail: map[string]any{"max": caps.MaxTextLength, "length": n}}
		}
	}
	if caps.Segmented && m.Text != "" {
		v.Segments, v.Encoding, _ = Segments(m.Text)
	}
	for _, a := range m.Attachments {
		if err := checkMedia(kind, typ, a); err != nil {
			return v, err
		}
	}
	return v, nil
}

// checkType refuses what the channel cannot carry.
func checkType(kind string, caps desk.Capabilities, typ string, m *desk.OutboundMessage) error {
	unsupported := func(what string) error {
		return &desk.Error{Kind: desk.EINVALID, Code: "type_not_supported", Field: "type", Message: kind + " channels cannot carry " + what}
	}
	switch typ {
	case desk.TypeText:
		if m.Text == "" {
			return desk.FieldErrorf("text", "text is required")
		}
	case desk.TypeTemplate:
		if caps.SessionWindowHours == 0 {
			return unsupported("registered templates")
		} else if m.Template == nil || m.Template.Name == "" {
			return desk.FieldErrorf("template", "a template message names its template")
		} else if m.Template.Language == "" {
			return desk.FieldErrorf("template", "a template message names its language")
		}
	case desk.TypeLocation:
		if !caps.Location {
			return unsupported("locations")
		} else if m.Location == nil || m.Location.Latitude < -90 || m.Location.Latitude > 90 || m.Location.Longitude < -180 || m.Location.Longitude > 180 {
			return desk.FieldErrorf("location", "a location needs a latitude in [-90, 90] and a longitude in [-180, 180]")
		}
	case desk.TypeVoice:
		if !caps.VoiceMessages {
			return unsupported("voice messages")
		}
		fallthrough
	case desk.TypeImage, desk.TypeVideo, desk.TypeAudio, desk.TypeFile:
		if !caps.Media {
			return unsupported("media")
		} else if len(m.Attachments) == 0 {
			return desk.FieldErrorf("attachments", "a %s message needs an attachment", typ)
		}
	default:
		return desk.FieldErrorf("type", "unknown message type %q", typ)
	}
	return nil
}

// checkMedia applies the channel's documented media limits to one
// attachment, by its declared size and content type.
func checkMedia(kind, typ string, a desk.Attachment) error {
	l, ok := desk.MediaLimitOf(kind, typ)
	if !ok {
		return nil
	}
	if l.MaxBytes > 0 && a.Size > l.MaxBytes {
		return &desk.Error{Kind: desk.ETOOLARGE, Code: "media_too_large", Field: "attachments",
			Message: "the attachment is larger than this channel allows", Detail: map[string]any{"max_bytes": l.MaxBytes}}
	}
	if len(l.Types) > 0 && !slices.Contains(l.Types, a.ContentType) {
		return &desk.Error{Kind: desk.EINVALID, Code: "media_type_not_allowed", Field: "attachments",
			Message: "this channel does not accept " + a.ContentType + " as " + typ, Detail: map[string]any{"allowed": l.Types}}
	}
	return nil
}
