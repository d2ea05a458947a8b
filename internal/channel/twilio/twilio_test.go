package twilio

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const (
	token = "twilio-auth-token-0123"
	hook  = "https://desk.example.com/webhooks/twilio/7"
)

func mustNew(t *testing.T, base string) desk.Channel {
	t.Helper()
	ch, err := New(&desk.ChannelConfig{Settings: map[string]string{"base_url": base, "account_sid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
		Secrets: map[string]string{"auth_token": token}}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func signed(t *testing.T, file string, tamper bool) *desk.WebhookRequest {
	t.Helper()
	body, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	body = []byte(strings.TrimSpace(string(body)))
	p, _ := url.ParseQuery(string(body))
	sig := Sign(token, hook, p)
	if tamper {
		body = []byte(strings.Replace(string(body), "Body=", "Body=X", 1))
	}
	return &desk.WebhookRequest{Method: "POST", URL: hook, Body: body, Header: map[string][]string{"X-Twilio-Signature": {sig}}}
}

func TestSignatureCoversURLAndParams(t *testing.T) {
	p := url.Values{"Body": {"hi"}, "From": {"+1"}}
	base := Sign(token, hook, p)
	if Sign(token, hook+"?x=1", p) == base || Sign(token, hook, url.Values{"Body": {"ho"}, "From": {"+1"}}) == base || Sign("other", hook, p) == base {
		t.Fatal("signature does not cover URL, parameters and token")
	}
}

func TestWebhook(t *testing.T) {
	ch := mustNew(t, "")
	tests := []struct {
		name, file string
		tamper     bool
		unsigned   bool
		kind       string
		typ, text  string
		receipt    string
	}{
		{"sms", "inbound.form", false, false, "", desk.TypeText, "Hello from my phone!", ""},
		{"mms", "mms.form", false, false, "", desk.TypeImage, "", ""},
		{"delivered", "status_delivered.form", false, false, "", "", "", desk.DeliveryDelivered},
		{"undelivered", "status_undelivered.form", false, false, "", "", "", desk.DeliveryFailed},
		{"tampered", "inbound.form", true, false, desk.EUNAUTHENTICATED, "", "", ""},
		{"unsigned", "inbound.form", false, true, desk.EUNAUTHENTICATED, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, tt.file, tt.tamper)
			if tt.unsigned {
				req.Header = nil
			}
			res, err := ch.HandleWebhook(context.Background(), req)
			if desk.ErrorKind(err) != tt.kind {
				t.Fatalf("error %v, want kind %q", err, tt.kind)
			} else if err != nil {
				return
			}
			if res.Reply == nil || !strings.Contains(string(res.Reply.Body), "<Response>") {
				t.Fatalf("reply = %+v", res.Reply)
			}
			if tt.receipt != "" {
				if len(res.Receipts) != 1 || res.Receipts[0].State != tt.receipt || res.Receipts[0].ExternalID != "SM5a6b7c8d9e0f" {
					t.Fatalf("receipts = %+v", res.Receipts)
				}
				if tt.receipt == desk.DeliveryFailed && res.Receipts[0].Reason != "undelivered: error 30003 (unreachable destination handset)" {
					t.Fatalf("reason = %q", res.Receipts[0].Reason)
				}
				return
			}
			m := res.Messages[0]
			if m.Type != tt.typ || m.Text != tt.text || m.From != "+15017122661" || m.To != "+15557122661" {
				t.Fatalf("message = %+v", m)
			}
		})
	}
}

func TestSend(t *testing.T) {
	tests := []struct {
		name   string
		status int
		reply  string
		kind   string
		code   string
	}{
		{"created", 201, "send_response.json", "", ""},
		{"invalid number", 400, "error_invalid_to.json", desk.EINVALID, "invalid"},
		{"unsubscribed recipient", 400, "error_unsubscribed.json", desk.EINVALID, "contact_opted_out"},
		{"throttled", 429, "error_invalid_to.json", desk.EINTERNAL, "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var form url.Values
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				user, pass, _ := r.BasicAuth()
				if r.URL.Path != "/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages.json" || user != "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" || pass != token {
					w.WriteHeader(401)
					return
				}
				b, _ := io.ReadAll(r.Body)
				form, _ = url.ParseQuery(string(b))
				reply, _ := os.ReadFile("testdata/" + tt.reply)
				w.WriteHeader(tt.status)
				w.Write(reply)
			}))
			defer srv.Close()
			res, err := mustNew(t, srv.URL).Send(context.Background(), &desk.OutboundMessage{From: "+15557122661", To: "+15017122661", Text: "Hi there", Type: "text"})
			if desk.ErrorKind(err) != tt.kind || (err != nil && desk.ErrorCode(err) != tt.code) {
				t.Fatalf("error %v (code %q), want kind %q code %q", err, desk.ErrorCode(err), tt.kind, tt.code)
			} else if err != nil {
				return
			}
			if res.ExternalID != "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" || form.Get("To") != "+15017122661" || form.Get("From") != "+15557122661" || form.Get("Body") != "Hi there" {
				t.Fatalf("send: %+v, form %v", res, form)
			}
		})
	}
}
