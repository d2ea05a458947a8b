package viber

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FuzzWebhook feeds signed bodies to the webhook parser: no panic, and
// only valid messages accepted.
func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"event":"message","message_token":4912661846655238145,"sender":{"id":"01234567890A=","name":"Ann"},"message":{"type":"text","text":"hi"}}`))
	f.Add([]byte(`{"event":"delivered","message_token":1,"user_id":"x"}`))
	f.Add([]byte(`{}`))
	ch, err := New(&desk.ChannelConfig{Name: "Acme", Secrets: map[string]string{"auth_token": "tok"}}, http.DefaultClient)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST",
			Header: map[string][]string{"X-Viber-Content-Signature": {Sign("tok", body)}}, Body: body})
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
