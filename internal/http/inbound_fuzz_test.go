package http

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FuzzInboundDecode feeds arbitrary bodies to the inbound endpoint's
// decoding and validation (POST /api/v1/inbound). Whatever arrives, the
// answer is a client error (never an internal one, never a panic), or a
// request that survives a JSON round trip unchanged and validates.
func FuzzInboundDecode(f *testing.F) {
	f.Add(`{"channel":"api","from":"+1 (555) 010-0001","to":"support","text":"Where is my order?","external_id":"ext-1"}`)
	f.Add(`{"channel":"sms","from":"800-100-20000","text":"hi","external_id":"1","type":"text"}`)
	f.Add(`{"channel":"api","from":"1","text":"x","external_id":"1","extra":true}`)
	f.Add(`{"channel":1}`)
	f.Add(`{"channel":"api"} {}`)
	f.Add(`{"text":"` + strings.Repeat("x", 5000) + `"}`)
	f.Add(`[]`)
	f.Add(`{"from":"\ud800"}`)
	s := &Server{cfg: Config{BodyLimit: 4096}}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/inbound", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var req inboundRequest
		err := s.decode(r, &req)
		if err == nil {
			in := &desk.InboundMessage{Channel: req.Channel, From: req.From, To: req.To, Text: req.Text, Type: req.Type, ExternalID: req.ExternalID}
			err = in.Validate()
		}
		if err != nil {
			if k := desk.ErrorKind(err); k != desk.EINVALID && k != desk.ETOOLARGE {
				t.Fatalf("body %q: error kind %q (%v), want a client error", body, k, err)
			}
			if desk.ErrorMessage(err) == "" {
				t.Fatalf("body %q: error without a message", body)
			}
			return
		}
		b, _ := json.Marshal(req)
		var back inboundRequest
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, req) {
			t.Fatalf("round trip of %q: %+v != %+v (%v)", body, back, req, err)
		}
	})
}
