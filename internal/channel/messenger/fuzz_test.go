package messenger

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FuzzWebhook feeds signed bodies to the Messenger/Instagram parser: no
// panic, and only valid messages accepted.
func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"message":{"mid":"m1","text":"hi"}}]}]}`))
	f.Add([]byte(`{"object":"instagram","entry":[{"messaging":[{"sender":{"id":"1"},"message":{"mid":"m2","attachments":[{"type":"image","payload":{"url":"https://x/y.png"}}]}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"delivery":{"mids":["m1"]}}]}]}`))
	for _, kind := range []string{desk.ChannelMessenger, desk.ChannelInstagram} {
		ch, err := New(&desk.ChannelConfig{Kind: kind, Secrets: map[string]string{"app_secret": "s", "verify_token": "v", "page_access_token": "p"}}, http.DefaultClient)
		if err != nil {
			f.Fatal(err)
		}
		defer func() {}()
		_ = ch
	}
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelMessenger, Secrets: map[string]string{"app_secret": "s", "verify_token": "v", "page_access_token": "p"}}, http.DefaultClient)
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
