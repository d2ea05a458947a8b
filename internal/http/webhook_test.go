package http

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

const waSecret = "wa-app-secret-0123456789"

// mustWhatsAppChannel creates a WhatsApp channel through the API.
func (e *env) mustWhatsAppChannel() channelView {
	e.t.Helper()
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"Support WA","sender":"15550783881",
		"settings":{"phone_number_id":"106540352242922"},"secrets":{"app_secret":"`+waSecret+`","verify_token":"vt-123","access_token":"tok"}}`, 201, &c)
	return c
}

// webhook posts a body to a channel's webhook path with a signature header.
func (e *env) webhook(path, body, sig string, want int) []byte {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("POST %s: status %d, want %d: %s", path, resp.StatusCode, want, b)
	}
	return b
}

func TestChannelAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code                            string
	}{
		{"agent lists", "GET", "/api/v1/channels", e.agentA, "", 403, "forbidden"},
		{"supervisor creates", "POST", "/api/v1/channels", e.sup, `{"kind":"whatsapp","name":"x"}`, 403, "forbidden"},
		{"unknown kind", "POST", "/api/v1/channels", e.admin, `{"kind":"pigeon","name":"x"}`, 400, "invalid"},
		{"missing secret", "POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"x","settings":{"phone_number_id":"1"}}`, 400, "invalid"},
		{"unknown provider", "POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","provider":"carrier-pigeon","name":"x"}`, 400, "invalid"},
		{"agent reads dead letters", "GET", "/api/v1/dead-letters", e.agentA, "", 403, "forbidden"},
		{"missing channel", "GET", "/api/v1/channels/999", e.admin, "", 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out apiError
			e.do(tt.method, tt.path, tt.token, tt.body, tt.status, &out)
			if out.Error.Code != tt.code {
				t.Fatalf("code %q, want %q", out.Error.Code, tt.code)
			}
		})
	}
	c := e.mustWhatsAppChannel()
	if c.Secrets["app_secret"] != "****6789" || c.Secrets["verify_token"] != "****" || c.WebhookPath != "/webhooks/whatsapp/"+c.ID.String() {
		t.Fatalf("created channel = %+v", c)
	}
	raw := e.do("GET", "/api/v1/channels", e.admin, "", 200, nil)
	if strings.Contains(string(raw), waSecret) || strings.Contains(string(raw), "vt-123") {
		t.Fatalf("a secret leaked into the channel list: %s", raw)
	}
	var upd channelView
	e.do("PATCH", "/api/v1/channels/"+c.ID.String(), e.admin, `{"name":"WA 2","secrets":{"verify_token":"new-verify-token-value"}}`, 200, &upd)
	if upd.Name != "WA 2" || upd.Secrets["verify_token"] != "****alue" || upd.Secrets["app_secret"] != "****6789" {
		t.Fatalf("updated = %+v", upd)
	}
	e.do("PATCH", "/api/v1/channels/"+c.ID.String(), e.admin, `{"secrets":{"app_secret":""}}`, 400, nil)
	e.do("DELETE", "/api/v1/channels/"+c.ID.String(), e.admin, "", 204, nil)
	e.do("GET", "/api/v1/channels/"+c.ID.String(), e.admin, "", 404, nil)
}

func TestWhatsAppWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.mustWhatsAppChannel()
	path := c.WebhookPath
	text, _ := os.ReadFile("../channel/whatsapp/testdata/text.json")
	statuses, _ := os.ReadFile("../channel/whatsapp/testdata/statuses.json")

	// The verification handshake echoes the challenge.
	resp, err := http.Get(e.url + path + "?hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=42")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "42" {
		t.Fatalf("handshake: %d %q", resp.StatusCode, b)
	}
	e.do("GET", path+"?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42", "", "", 401, nil)

	tests := []struct {
		name, path, body, sig string
		status                int
	}{
		{"signed", path, string(text), whatsapp.Sign(waSecret, text), 200},
		{"repeat", path, string(text), whatsapp.Sign(waSecret, text), 200},
		{"unsigned", path, string(text), "", 401},
		{"wrong secret", path, string(text), whatsapp.Sign("guess", text), 401},
		{"wrong provider", "/webhooks/viber/" + c.ID.String(), string(text), whatsapp.Sign(waSecret, text), 404},
		{"malformed", path, `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"id":"x"}]}}]}]}`,
			whatsapp.Sign(waSecret, []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"id":"x"}]}}]}]}`)), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { e.webhook(tt.path, tt.body, tt.sig, tt.status) })
	}

	// The message arrived once, from the customer, on our sender address.
	var convs list[desk.Conversation]
	e.do("GET", "/api/v1/conversations?view=all", e.admin, "", 200, &convs)
	var wa *desk.Conversation
	for i := range convs.Items {
		if convs.Items[i].Channel == "whatsapp" {
			wa = &convs.Items[i]
		}
	}
	if wa == nil || wa.ContactAddress != "+16505551234" || wa.SenderAddress != "+15550783881" || wa.ContactDisplay != "+1 650-555-1234" {
		t.Fatalf("whatsapp conversation = %+v", wa)
	}
	var msgs list[desk.Message]
	e.do("GET", "/api/v1/conversations/"+wa.ID.String()+"/messages", e.admin, "", 200, &msgs)
	if len(msgs.Items) != 1 || msgs.Items[0].Text != "Does it come in another color?" {
		t.Fatalf("messages = %+v", msgs.Items)
	}

	// The malformed payload is kept, without its signature.
	var letters list[desk.DeadLetter]
	e.do("GET", "/api/v1/dead-letters?channel_id="+c.ID.String(), e.admin, "", 200, &letters)
	if len(letters.Items) != 1 || !strings.Contains(letters.Items[0].Body, `"id":"x"`) || letters.Items[0].Header["X-Hub-Signature-256"] != "" {
		t.Fatalf("dead letters = %+v", letters.Items)
	}

	// Receipts move an outbound message to read (seen) and failed.
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cs := e.store
	out := &desk.Message{ConversationID: wa.ID, Text: "Yes, in blue", Send: &desk.SendRequest{ChannelID: c.ID}}
	if err := e.store.CreateMessage(ctx, out); err != nil {
		t.Fatal(err)
	}
	jobs, _ := cs.ClaimSendJobs(ctx, 1, 60e9)
	cs.FinishSendJobs(ctx, []desk.SendOutcome{{JobID: jobs[0].ID, MessageID: out.ID, Result: desk.SendSent, ExternalID: "wamid.OUT1"}})
	e.webhook(path, string(statuses), whatsapp.Sign(waSecret, statuses), 200)
	e.do("GET", "/api/v1/conversations/"+wa.ID.String()+"/messages", e.admin, "", 200, &msgs)
	if last := msgs.Items[len(msgs.Items)-1]; last.DeliveryState != desk.DeliverySeen || last.ExternalID != "wamid.OUT1" {
		t.Fatalf("after receipts: %+v", last)
	}
}

func TestReplyChannelRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cA := "/api/v1/conversations/" + e.convA.String() + "/messages"
	tests := []struct {
		name, body string
		status     int
		code       string
		segments   int
	}{
		{"sms two segments", `{"text":"` + strings.Repeat("a", 200) + `"}`, 201, "", 2},
		{"sms ucs2", `{"text":"` + strings.Repeat("я", 71) + `"}`, 201, "", 2},
		{"sms location", `{"type":"location","location":{"latitude":1,"longitude":2}}`, 400, "type_not_supported", 0},
		{"sms template", `{"type":"template","template":{"name":"x","language":"en"}}`, 400, "type_not_supported", 0},
		{"note has no segments", `{"type":"note","text":"` + strings.Repeat("a", 200) + `"}`, 201, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out struct {
				Segments int
				Encoding string
				Error    struct{ Code string }
			}
			e.do("POST", cA, e.agentA, tt.body, tt.status, &out)
			if out.Error.Code != tt.code || out.Segments != tt.segments {
				t.Fatalf("got %+v", out)
			}
		})
	}
}
