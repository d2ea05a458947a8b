package twilio

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FuzzWebhook feeds signed form bodies to the webhook parser: no panic,
// and only valid messages accepted.
func FuzzWebhook(f *testing.F) {
	for _, name := range []string{"testdata/inbound.form", "testdata/mms.form", "testdata/status_delivered.form"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("MessageSid=SM1&From=%2B15550001&To=%2B15550002&Body=hi"))
	const hook = "https://desk.example.com/webhooks/twilio/1"
	ch, err := New(&desk.ChannelConfig{Settings: map[string]string{"account_sid": "AC1"}, Secrets: map[string]string{"auth_token": "tok"}}, http.DefaultClient)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		params, err := url.ParseQuery(string(body))
		if err != nil {
			return // Twilio signs parameters; an unparsable body cannot be signed
		}
		res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST", URL: hook,
			Header: map[string][]string{"X-Twilio-Signature": {Sign("tok", hook, params)}, "Content-Type": {"application/x-www-form-urlencoded"}}, Body: body})
		if err != nil || res == nil {
			return
		}
		for i := range res.Messages {
			if err := res.Messages[i].Validate(); err != nil {
				t.Fatalf("accepted an invalid message %+v: %v", res.Messages[i], err)
			}
		}
	})
}
