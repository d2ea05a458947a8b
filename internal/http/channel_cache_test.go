package http

import (
	"os"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// TestWebhookChannelCache: webhooks reuse the channel's configuration, yet
// an admin's change on this node applies to the next webhook at once: a
// rotated app secret refuses the old signature, a deleted channel is 404.
func TestWebhookChannelCache(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.mustWhatsAppChannel()
	text, _ := os.ReadFile("../channel/whatsapp/testdata/text.json")
	e.webhook(c.WebhookPath, string(text), whatsapp.Sign(waSecret, text), 200) // cached now
	const rotated = "a-rotated-app-secret-value"
	e.do("PATCH", "/api/v1/channels/"+c.ID.String(), e.admin, `{"secrets":{"app_secret":"`+rotated+`"}}`, 200, nil)
	e.webhook(c.WebhookPath, string(text), whatsapp.Sign(waSecret, text), 401)
	e.webhook(c.WebhookPath, string(text), whatsapp.Sign(rotated, text), 200)
	e.do("DELETE", "/api/v1/channels/"+c.ID.String(), e.admin, "", 204, nil)
	e.webhook(c.WebhookPath, string(text), whatsapp.Sign(rotated, text), 404)
}
