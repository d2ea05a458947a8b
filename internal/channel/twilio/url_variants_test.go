package twilio

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestURLVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://sb.example.com/webhooks/twilio/7?x=1", []string{"https://sb.example.com/webhooks/twilio/7?x=1", "https://sb.example.com:443/webhooks/twilio/7?x=1"}},
		{"https://sb.example.com:443/w", []string{"https://sb.example.com/w", "https://sb.example.com:443/w"}},
		{"http://sb.example.com/w", []string{"http://sb.example.com/w", "http://sb.example.com:80/w"}},
		{"http://127.0.0.1:8080/w", []string{"http://127.0.0.1/w", "http://127.0.0.1:8080/w"}},
		{"https://[::1]:8443/w", []string{"https://[::1]/w", "https://[::1]:8443/w"}},
	}
	for _, tt := range tests {
		if got := urlVariants(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("urlVariants(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestKeywordsAndProfileName: the documented keyword fixtures become
// opt-out / opt-in events (HELP none), and ProfileName the sender's name.
func TestKeywordsAndProfileName(t *testing.T) {
	ch := mustNew(t, "")
	tests := []struct{ file, kind, reason string }{
		{"stop.form", desk.ContactOptOut, "keyword STOP"},
		{"unsubscribe.form", desk.ContactOptOut, "keyword UNSUBSCRIBE"},
		{"start.form", desk.ContactOptIn, "keyword START"},
		{"help.form", "", ""},
		{"inbound.form", "", ""},
	}
	for _, tt := range tests {
		res, err := ch.HandleWebhook(context.Background(), signed(t, tt.file, false))
		if err != nil || len(res.Messages) != 1 {
			t.Fatalf("%s: %+v %v", tt.file, res, err)
		}
		if tt.kind == "" {
			if len(res.Events) != 0 {
				t.Errorf("%s: events %+v", tt.file, res.Events)
			}
			continue
		}
		if len(res.Events) != 1 || res.Events[0].Kind != tt.kind || res.Events[0].Reason != tt.reason || res.Events[0].Address != "+15017122661" {
			t.Errorf("%s: events %+v", tt.file, res.Events)
		}
	}
	form := "Body=hi&From=%2B15017122661&To=%2B15557122661&MessageSid=SM9&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&ProfileName=Ann+Lee"
	p, _ := url.ParseQuery(form)
	res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST", URL: hook, Body: []byte(form),
		Header: map[string][]string{"X-Twilio-Signature": {Sign(token, hook, p)}}})
	if err != nil || res.Messages[0].Name != "Ann Lee" {
		t.Fatalf("%+v %v", res, err)
	}
}
