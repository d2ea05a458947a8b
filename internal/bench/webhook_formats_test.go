package bench

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestWebhookFormats: each benchmark payload, signed as the benchmark
// signs it, is a valid webhook for the adapter of its channel and carries
// one text message from the customer with the run's external ID, so the
// benchmark measures messages stored, not requests answered.
func TestWebhookFormats(t *testing.T) {
	reg := registry.New(nil, nil)
	const hookURL = "http://127.0.0.1:8080/webhooks/x/1"
	for _, f := range WebhookFormats("0a1b2c3d", "http://127.0.0.1:9") {
		t.Run(f.Name, func(t *testing.T) {
			cfg := &desk.ChannelConfig{ID: 1, Kind: f.Channel["kind"].(string), Sender: f.Channel["sender"].(string),
				Settings: f.Channel["settings"].(map[string]string), Secrets: f.Channel["secrets"].(map[string]string)}
			cfg.Provider, _ = f.Channel["provider"].(string)
			if cfg.Provider == "" {
				cfg.Provider = reg.DefaultProvider(cfg.Kind)
			}
			ch, err := reg.Adapter(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ext := f.ExternalID("0a1b2c3d", 42)
			body := f.Append(nil, 7, ext, "Hello, I need help")
			req, _ := http.NewRequest("POST", hookURL, nil)
			f.Signer(hookURL)(req, body)
			res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST", URL: hookURL, Header: req.Header, Body: body})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Messages) != 1 {
				t.Fatalf("%d messages", len(res.Messages))
			}
			m := res.Messages[0]
			if m.Text != "Hello, I need help" || m.From == "" || m.Type != desk.TypeText || !strings.HasSuffix(m.ExternalID, ext) {
				t.Fatalf("message %+v", m)
			}
			if other := f.Append(nil, 8, ext, "x"); string(other) == string(body) {
				t.Fatal("customers are not distinct")
			}
			// A wrong signature is refused: the benchmark pays for the check.
			req.Header.Set("X-Hub-Signature-256", "sha256=00")
			req.Header.Set("X-Twilio-Signature", "AAAA")
			req.Header.Set("X-Viber-Content-Signature", "00")
			req.Header.Set("X-Signature-256", "sha256=00")
			if _, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST", URL: hookURL, Header: req.Header, Body: body}); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
				t.Fatalf("wrong signature: %v", err)
			}
		})
	}
	// Viber's message tokens are 64-bit numbers: run ID << 32 | n.
	if got := (WebhookFormat{Name: "viber"}).ExternalID("0a1b2c3d", 42); got != "728224405255094314" {
		t.Fatalf("viber token %s", got)
	}
}
