package http

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestTemplateSendRegistered is E1 through the API on both stores: a
// template message must name a registered WhatsApp template (and its
// language) and fill every one of its numbered variables — the issue's
// "1 of 2 variables filled → 201" is a 400 naming template.variables —
// in replies and in new conversations; a good one is stored as the text
// the customer reads.
func TestTemplateSendRegistered(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		e.do("POST", "/api/v1/templates", e.sup, `{"name":"order_update","kind":"whatsapp","language":"en","text":"Hi {{1}}, order {{2}} shipped"}`, 201, nil)
		e.do("POST", "/api/v1/templates", e.sup, `{"name":"plain","kind":"text","text":"Thanks!"}`, 201, nil)
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		res, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551230001", To: "15550400",
			Text: "hi", ExternalID: "wa-t1", QueueID: e.queueA})
		if err != nil {
			t.Fatal(err)
		}
		msgs := "/api/v1/conversations/" + res.Conversation.ID.String() + "/messages"
		tpl := func(name, lang, vars string) string {
			return `{"type":"template","template":{"name":"` + name + `","language":"` + lang + `","variables":` + vars + `}}`
		}
		cases := []struct {
			name, body   string
			status       int
			code, field  string
			expect, give float64
		}{
			{"not registered", tpl("nope", "en", `["a"]`), 400, "unknown_template", "template.name", 0, 0},
			{"a text template is no registered one", tpl("plain", "en", `[]`), 400, "unknown_template", "template.name", 0, 0},
			{"other language", tpl("order_update", "fr", `["Ann","42"]`), 400, "unknown_template", "template.language", 0, 0},
			{"1 of 2 variables", tpl("order_update", "en", `["Ann"]`), 400, "template_variables", "template.variables", 2, 1},
			{"3 of 2 variables", tpl("order_update", "en", `["Ann","42","x"]`), 400, "template_variables", "template.variables", 2, 3},
			{"an empty variable", tpl("order_update", "en", `["Ann","  "]`), 400, "template_variables", "template.variables", 2, 2},
			{"filled", tpl("order_update", "en", `["Ann","42"]`), 201, "", "", 0, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				b := e.do("POST", msgs, e.agentA, c.body, c.status, nil)
				if c.code == "" {
					var m struct{ Text, Type string }
					json.Unmarshal(b, &m)
					if m.Text != "Hi Ann, order 42 shipped" || m.Type != "template" {
						t.Fatalf("stored: %s", b)
					}
					return
				}
				var got apiError
				json.Unmarshal(b, &got)
				if got.Error.Code != c.code || got.Error.Field != c.field {
					t.Fatalf("error %s, want %s on %s", b, c.code, c.field)
				}
				if c.expect > 0 && (got.Error.Detail["expected"] != c.expect || got.Error.Detail["given"] != c.give) {
					t.Fatalf("detail %v", got.Error.Detail)
				}
			})
		}
		e.t = t
		// New conversations follow the same rule.
		b := e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"whatsapp","sender_address":"15550400","to":"15551230009",`+
			tpl("order_update", "en", `["Ann"]`)[1:], 400, nil)
		var got apiError
		json.Unmarshal(b, &got)
		if got.Error.Code != "template_variables" || got.Error.Field != "template.variables" {
			t.Fatalf("new conversation: %s", b)
		}
		var started struct{ Message struct{ Text string } }
		e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"whatsapp","sender_address":"15550400","to":"15551230009",`+
			tpl("order_update", "en", `["Bo","7"]`)[1:], 201, &started)
		if started.Message.Text != "Hi Bo, order 7 shipped" {
			t.Fatalf("started with %+v", started)
		}
	})
}
