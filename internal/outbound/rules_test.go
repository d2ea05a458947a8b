package outbound

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name, text string
		n          int
		enc        string
	}{
		{"short gsm", "Hello", 1, EncodingGSM7},
		{"160 gsm", strings.Repeat("a", 160), 1, EncodingGSM7},
		{"161 gsm", strings.Repeat("a", 161), 2, EncodingGSM7},
		{"306 gsm", strings.Repeat("a", 306), 2, EncodingGSM7},
		{"307 gsm", strings.Repeat("a", 307), 3, EncodingGSM7},
		{"extension chars count twice", strings.Repeat("€", 80), 1, EncodingGSM7},
		{"extension over the edge", strings.Repeat("€", 81), 2, EncodingGSM7},
		{"70 ucs2", strings.Repeat("я", 70), 1, EncodingUCS2},
		{"71 ucs2", strings.Repeat("я", 71), 2, EncodingUCS2},
		{"134 ucs2", strings.Repeat("я", 134), 2, EncodingUCS2},
		{"135 ucs2", strings.Repeat("я", 135), 3, EncodingUCS2},
		{"emoji is two units", strings.Repeat("😀", 35), 1, EncodingUCS2},
		{"one emoji turns gsm to ucs2", strings.Repeat("a", 70) + "😀", 2, EncodingUCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, enc, _ := Segments(tt.text)
			if n != tt.n || enc != tt.enc {
				t.Fatalf("Segments = %d %s, want %d %s", n, enc, tt.n, tt.enc)
			}
		})
	}
}

// TestCount: units, room per segment and what is left, the figures the
// composer's counter shows (it asks POST /api/v1/sms/segments).
func TestCount(t *testing.T) {
	tests := []struct {
		text string
		want SegmentCount
	}{
		{"", SegmentCount{EncodingGSM7, 0, 0, 160, 160}},
		{"hello", SegmentCount{EncodingGSM7, 5, 1, 160, 155}},
		{strings.Repeat("a", 160), SegmentCount{EncodingGSM7, 160, 1, 160, 0}},
		{strings.Repeat("a", 161), SegmentCount{EncodingGSM7, 161, 2, 153, 306 - 161}},
		{strings.Repeat("€", 81), SegmentCount{EncodingGSM7, 162, 2, 153, 306 - 162}},
		{strings.Repeat("é", 160), SegmentCount{EncodingGSM7, 160, 1, 160, 0}},
		{"ж", SegmentCount{EncodingUCS2, 1, 1, 70, 69}},
		{strings.Repeat("ж", 71), SegmentCount{EncodingUCS2, 71, 2, 67, 134 - 71}},
		{strings.Repeat("a", 134) + "ж", SegmentCount{EncodingUCS2, 135, 3, 67, 201 - 135}},
		{strings.Repeat("😀", 35), SegmentCount{EncodingUCS2, 70, 1, 70, 0}},
	}
	for _, tt := range tests {
		if got := Count(tt.text); got != tt.want {
			t.Errorf("Count(%.12q… len %d) = %+v, want %+v", tt.text, len(tt.text), got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	recent, old := now.Add(-time.Hour), now.Add(-25*time.Hour)
	tpl := &desk.TemplateCall{Name: "hello", Language: "en_US"}
	pdf := desk.Attachment{Name: "a.pdf", ContentType: "application/pdf", Size: 1 << 20}
	tests := []struct {
		name, kind string
		msg        desk.OutboundMessage
		last       *time.Time
		code       string
		segments   int
	}{
		{"sms text", "sms", desk.OutboundMessage{Text: strings.Repeat("a", 200)}, nil, "", 2},
		{"sms too long", "sms", desk.OutboundMessage{Text: strings.Repeat("a", 1601)}, nil, "text_too_long", 0},
		{"sms location", "sms", desk.OutboundMessage{Type: "location", Location: &desk.Location{}}, nil, "type_not_supported", 0},
		{"viber 1000", "viber", desk.OutboundMessage{Text: strings.Repeat("a", 1000)}, nil, "", 0},
		{"viber 1001", "viber", desk.OutboundMessage{Text: strings.Repeat("a", 1001)}, nil, "text_too_long", 0},
		{"livechat 4097", "livechat", desk.OutboundMessage{Text: strings.Repeat("a", 4097)}, nil, "text_too_long", 0},
		{"kakao 1001", "kakao", desk.OutboundMessage{Text: strings.Repeat("a", 1001)}, nil, "text_too_long", 0},
		{"apple 1001", "apple", desk.OutboundMessage{Text: strings.Repeat("a", 1001)}, nil, "text_too_long", 0},
		{"google 1001", "google", desk.OutboundMessage{Text: strings.Repeat("a", 1001)}, nil, "text_too_long", 0},
		{"whatsapp in window", "whatsapp", desk.OutboundMessage{Text: "hi"}, &recent, "", 0},
		{"whatsapp outside window", "whatsapp", desk.OutboundMessage{Text: "hi"}, &old, "template_required", 0},
		{"whatsapp never wrote", "whatsapp", desk.OutboundMessage{Text: "hi"}, nil, "template_required", 0},
		{"whatsapp template outside window", "whatsapp", desk.OutboundMessage{Type: "template", Template: tpl}, &old, "", 0},
		{"template without name", "whatsapp", desk.OutboundMessage{Type: "template", Template: &desk.TemplateCall{}}, &old, "invalid", 0},
		{"template on viber", "viber", desk.OutboundMessage{Type: "template", Template: tpl}, nil, "type_not_supported", 0},
		{"voice on whatsapp", "whatsapp", desk.OutboundMessage{Type: "voice", Attachments: []desk.Attachment{{ContentType: "audio/ogg", Size: 1000}}}, &recent, "", 0},
		{"voice on viber", "viber", desk.OutboundMessage{Type: "voice", Attachments: []desk.Attachment{{Size: 1}}}, nil, "type_not_supported", 0},
		{"whatsapp pdf", "whatsapp", desk.OutboundMessage{Type: "file", Attachments: []desk.Attachment{pdf}}, &recent, "", 0},
		{"whatsapp 101 MB doc", "whatsapp", desk.OutboundMessage{Type: "file", Attachments: []desk.Attachment{{ContentType: "application/pdf", Size: 101 << 20}}}, &recent, "media_too_large", 0},
		{"whatsapp 17 MB video", "whatsapp", desk.OutboundMessage{Type: "video", Attachments: []desk.Attachment{{ContentType: "video/mp4", Size: 17 << 20}}}, &recent, "media_too_large", 0},
		{"whatsapp webm video", "whatsapp", desk.OutboundMessage{Type: "video", Attachments: []desk.Attachment{{ContentType: "video/webm", Size: 1}}}, &recent, "media_type_not_allowed", 0},
		{"media without attachment", "viber", desk.OutboundMessage{Type: "image"}, nil, "invalid", 0},
		{"location on whatsapp", "whatsapp", desk.OutboundMessage{Type: "location", Location: &desk.Location{Latitude: 91}}, &recent, "invalid", 0},
		{"empty text", "viber", desk.OutboundMessage{}, nil, "invalid", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Check(tt.kind, desk.CapabilitiesOf(tt.kind), &tt.msg, tt.last, now)
			if got := desk.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if v.Segments != tt.segments {
				t.Fatalf("segments %d, want %d", v.Segments, tt.segments)
			}
		})
	}
}
