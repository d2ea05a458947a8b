package messenger

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FuzzWebhook feeds signed bodies to the Messenger/Instagram parser: no
// panic, and only valid messages accepted.
func FuzzWebhook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json") // the documented events
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"message":{"mid":"m1","text":"hi"}}]}]}`))
	f.Add([]byte(`{"object":"instagram","entry":[{"messaging":[{"sender":{"id":"1"},"message":{"mid":"m2","attachments":[{"type":"image","payload":{"url":"https://x/y.png"}}]}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"delivery":{"mids":["m1"]}}]}]}`))
	var chans []desk.Channel
	for _, kind := range []string{desk.ChannelMessenger, desk.ChannelInstagram} {
		ch, err := New(&desk.ChannelConfig{Kind: kind, Secrets: map[string]string{"app_secret": "s", "verify_token": "v", "page_access_token": "p"}}, http.DefaultClient)
		if err != nil {
			f.Fatal(err)
		}
		chans = append(chans, ch)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, ch := range chans {
			res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST",
				Header: map[string][]string{"X-Hub-Signature-256": {Sign("s", body)}}, Body: body})
			if err != nil || res == nil {
				continue
			}
			for i := range res.Messages {
				if err := res.Messages[i].Validate(); err != nil {
					t.Fatalf("%s accepted an invalid message %+v: %v", ch.Kind(), res.Messages[i], err)
				}
			}
		}
	})
}
