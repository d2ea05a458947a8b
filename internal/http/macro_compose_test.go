package http

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestMacroComposeActions drives the composer actions through the API:
// on an open conversation the body lands in the caller's reply draft
// (GET .../draft) and the sender on the conversation; on a new-conversation
// draft the queue's default sender (E4) wins over the macro's sender,
// which is reported skipped.
func TestMacroComposeActions(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"WA","sender":"15550400","settings":{"phone_number_id":"1"},
			"secrets":{"app_secret":"s","verify_token":"v","access_token":"t"}}`, 201, nil)
		e.do("PATCH", "/api/v1/queues/"+e.queueB.String(), e.admin, `{"default_senders":{"whatsapp":"15550400"}}`, 200, nil)
		var body, move struct{ ID string }
		e.do("POST", "/api/v1/macros", e.sup, `{"name":"Greeting","actions":{"body":"Hello there","sender":"support-2"}}`, 201, &body)
		e.do("POST", "/api/v1/macros", e.sup, `{"name":"To B","actions":{"queue_id":"`+e.queueB.String()+`","sender":"15550401","to":{"whatsapp":"15551234"}}}`, 201, &move)

		conv := "/api/v1/conversations/" + e.convA.String()
		var res struct {
			Conversation struct {
				SenderAddress string `json:"sender_address"`
			}
			Draft struct{ Text string }
		}
		e.do("POST", conv+"/macros/"+body.ID+"/apply", e.agentA, "", 200, &res)
		if res.Conversation.SenderAddress != "support-2" || res.Draft.Text != "Hello there" {
			t.Fatalf("apply: %+v", res)
		}
		var draft struct{ Text string }
		e.do("GET", conv+"/draft", e.agentA, "", 200, &draft)
		if draft.Text != "Hello there" {
			t.Fatalf("reply draft: %+v", draft)
		}
		// Another agent's draft is their own: the macro wrote the caller's.
		e.do("GET", conv+"/draft", e.sup, "", 204, nil)

		var d struct {
			Sender  string
			To      string
			Applied []struct{ Skipped []string }
		}
		e.do("POST", "/api/v1/macros/"+move.ID+"/draft", e.agentB, `{"channel":"whatsapp","sender":"15550999"}`, 200, &d)
		if d.Sender != "+15550400" || d.To != "+15551234" || len(d.Applied) != 1 || len(d.Applied[0].Skipped) != 1 || d.Applied[0].Skipped[0] != "sender" {
			t.Fatalf("draft: %+v", d)
		}
	})
}

// TestMacroDraftSession checks E3's expired-session rule against the
// store: with no message from the recipient within WhatsApp's 24 hours
// the template action is skipped, with a recent one it runs.
func TestMacroDraftSession(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		var tpl, m struct{ ID string }
		e.do("POST", "/api/v1/templates", e.sup, `{"name":"Hello","kind":"whatsapp","language":"en","text":"Hi {{1}}"}`, 201, &tpl)
		e.do("POST", "/api/v1/macros", e.sup, `{"name":"WA hello","actions":{"template_id":"`+tpl.ID+`","priority":"high"}}`, 201, &m)
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		if _, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: "whatsapp", From: "+15551239999", To: "+15550400", Text: "hi", ExternalID: "wa1", QueueID: e.queueA}); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Priority   string
			TemplateID *string `json:"template_id"`
			Applied    []struct{ Skipped []string }
		}
		e.do("POST", "/api/v1/macros/"+m.ID+"/draft", e.agentA, `{"channel":"whatsapp","to":"15551230000"}`, 200, &d)
		if d.TemplateID != nil || d.Priority != "high" || len(d.Applied[0].Skipped) != 1 || d.Applied[0].Skipped[0] != "template" {
			t.Fatalf("expired session: %+v", d)
		}
		d.TemplateID, d.Applied = nil, nil
		e.do("POST", "/api/v1/macros/"+m.ID+"/draft", e.agentA, `{"channel":"whatsapp","to":"+15551239999"}`, 200, &d)
		if d.TemplateID == nil || *d.TemplateID != tpl.ID || len(d.Applied[0].Skipped) != 0 {
			t.Fatalf("open session: %+v", d)
		}
	})
}
