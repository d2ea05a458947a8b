package whatsapp

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FuzzWebhook feeds signed bodies to the webhook parser: it must never
// panic, and whatever it accepts must be messages the store would take.
func FuzzWebhook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json") // the documented notifications
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":"1555","id":"wamid.1","type":"text","text":{"body":"hi"}}]}}]}]}`))
	f.Add([]byte(`{"entry":[{"changes":[{"value":{"statuses":[{"id":"x","status":"read"}]}}]}]}`))
	f.Add([]byte(`[]`))
	cfg := &desk.ChannelConfig{Settings: map[string]string{"phone_number_id": "1"}, Secrets: map[string]string{"app_secret": "s", "verify_token": "v", "access_token": "t"}}
	ch, err := New(cfg, http.DefaultClient)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST",
			Header: map[string][]string{"X-Hub-Signature-256": {Sign("s", body)}}, Body: body})
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
