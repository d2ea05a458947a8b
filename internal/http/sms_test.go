package http

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// TestSMSSegments: POST /api/v1/sms/segments answers what the SMS channel
// records when the same text is sent (convA is an SMS conversation), with
// the room per segment and what is left; the text is cleaned as a sent one
// is; a missing text is refused naming the field. Every response is
// checked against openapi.json by the env's contract handler.
func TestSMSSegments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reply := "/api/v1/conversations/" + e.convA.String() + "/messages"
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	tests := []struct {
		text string
		want outbound.SegmentCount
	}{
		{"hello", outbound.SegmentCount{Encoding: "gsm7", Units: 5, Segments: 1, PerSegment: 160, Remaining: 155}},
		{strings.Repeat("a", 161), outbound.SegmentCount{Encoding: "gsm7", Units: 161, Segments: 2, PerSegment: 153, Remaining: 145}},
		{strings.Repeat("€", 80), outbound.SegmentCount{Encoding: "gsm7", Units: 160, Segments: 1, PerSegment: 160, Remaining: 0}},
		{strings.Repeat("ж", 71), outbound.SegmentCount{Encoding: "ucs2", Units: 71, Segments: 2, PerSegment: 67, Remaining: 63}},
		{strings.Repeat("a", 134) + "😀", outbound.SegmentCount{Encoding: "ucs2", Units: 136, Segments: 3, PerSegment: 67, Remaining: 65}},
		// A control character is dropped, as it is from a sent message.
		{"a\x01b", outbound.SegmentCount{Encoding: "gsm7", Units: 2, Segments: 1, PerSegment: 160, Remaining: 158}},
	}
	for _, tt := range tests {
		for _, tok := range []string{e.agentB, e.agentA, e.admin} {
			var got outbound.SegmentCount
			e.do("POST", "/api/v1/sms/segments", tok, `{"text":`+quote(tt.text)+`}`, 200, &got)
			if got != tt.want {
				t.Fatalf("segments of %.12q…: %+v, want %+v", tt.text, got, tt.want)
			}
		}
		var sent struct {
			Segments int
			Encoding string
		}
		e.do("POST", reply, e.agentA, `{"text":`+quote(tt.text)+`}`, 201, &sent)
		if sent.Segments != tt.want.Segments || sent.Encoding != tt.want.Encoding {
			t.Fatalf("sent %.12q…: %+v, the counter said %+v", tt.text, sent, tt.want)
		}
	}

	var empty outbound.SegmentCount
	e.do("POST", "/api/v1/sms/segments", e.agentA, `{"text":""}`, 200, &empty)
	if empty != (outbound.SegmentCount{Encoding: "gsm7", PerSegment: 160, Remaining: 160}) {
		t.Fatalf("empty text: %+v", empty)
	}
	for body, code := range map[string]string{`{}`: "text", `{"text":"a","x":1}`: "", `{"text":1}`: "text"} {
		var bad apiError
		e.do("POST", "/api/v1/sms/segments", e.agentA, body, 400, &bad)
		if code != "" && bad.Error.Field != code {
			t.Fatalf("%s: %+v, want field %s", body, bad.Error, code)
		}
	}
	e.do("POST", "/api/v1/sms/segments", "", `{"text":"a"}`, 401, nil)
}
