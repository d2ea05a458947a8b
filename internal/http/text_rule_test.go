package http

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// TestTextRuleAPI: NUL and other control characters in JSON bodies, query
// strings and a signed webhook are stripped on both stores — never a 500 —
// and the webhook's message is stored (the provider would retry a refusal
// for ever).
func TestTextRuleAPI(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		msgs := "/api/v1/conversations/" + e.convA.String() + "/messages"
		var m struct{ Text string }
		e.do("POST", msgs, e.agentA, `{"text":"a\u0000b\u001bc"}`, 201, &m)
		if m.Text != "abc" {
			t.Fatalf("reply text %q", m.Text)
		}
		e.do("POST", msgs, e.agentA, `{"type":"note","text":"n\u0000ote"}`, 201, nil)
		var cust struct{ Name string }
		e.do("POST", "/api/v1/customers", e.agentA, `{"name":"Ann\u0000 Lee"}`, 201, &cust)
		if cust.Name != "Ann Lee" {
			t.Fatalf("customer name %q", cust.Name)
		}
		e.do("GET", "/api/v1/search?q=a%00b", e.agentA, "", 200, nil)
		e.do("GET", "/api/v1/conversations?q=x%00", e.agentA, "", 200, nil)
		e.do("GET", "/api/v1/customers?q=%00", e.agentA, "", 200, nil)
		e.do("GET", "/api/v1/conversations/1%00", e.agentA, "", 404, nil)

		c := e.mustWhatsAppChannel()
		raw, _ := os.ReadFile("../channel/whatsapp/testdata/text.json")
		body := strings.Replace(string(raw), "Does it come in another color?", `Does it\u0000 come in another color?`, 1)
		body = strings.Replace(body, "Sheena Nelson", `Sheena\u0000 Nelson`, 1)
		e.webhook(c.WebhookPath, body, whatsapp.Sign(waSecret, []byte(body)), 200)
		var list struct {
			Items []struct{ ID, Channel string }
		}
		e.do("GET", "/api/v1/conversations?view=all&channel=whatsapp", e.sup, "", 200, &list)
		if len(list.Items) != 1 {
			t.Fatalf("webhook conversation: %+v", list)
		}
		var th struct{ Items []json.RawMessage }
		b := e.do("GET", "/api/v1/conversations/"+list.Items[0].ID+"/messages", e.sup, "", 200, &th)
		if !strings.Contains(string(b), `"Does it come in another color?"`) {
			t.Fatalf("webhook message not stored stripped: %s", b)
		}
	})
}
