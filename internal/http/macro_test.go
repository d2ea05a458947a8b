package http

import (
	"encoding/json"
	"testing"
)

// TestTemplatesAndMacros drives E1–E3 over HTTP.
func TestTemplatesAndMacros(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		var tpl, m struct{ ID string }
		e.do("POST", "/api/v1/templates", e.sup, `{"name":"Shipped","kind":"whatsapp","language":"en","text":"Hi {{1}}, order {{2}} shipped"}`, 201, &tpl)
		e.do("POST", "/api/v1/macros", e.sup, `{"name":"Escalate","tags":["billing"],"actions":{"priority":"urgent","tags":["vip"],"body":"On it"}}`, 201, &m)
		conv := "/api/v1/conversations/" + e.convA.String()
		steps := []struct {
			name, method, path, token, body string
			status                          int
			code, field                     string
		}{
			{"agent creates a template", "POST", "/api/v1/templates", e.agentA, `{"name":"x","text":"y"}`, 403, "forbidden", ""},
			{"agent creates a macro", "POST", "/api/v1/macros", e.agentA, `{"name":"x"}`, 403, "forbidden", ""},
			{"variables with a gap", "POST", "/api/v1/templates", e.sup, `{"name":"x","kind":"whatsapp","language":"en","text":"{{2}}"}`, 400, "invalid", "text"},
			{"quick pick", "GET", "/api/v1/templates?q=order", e.agentA, "", 200, "", ""},
			{"render missing a variable", "POST", "/api/v1/templates/" + tpl.ID + "/render", e.agentA, `{"variables":["Ann"]}`, 400, "invalid", "variables"},
			{"render", "POST", "/api/v1/templates/" + tpl.ID + "/render", e.agentA, `{"variables":["Ann","42"]}`, 200, "", ""},
			{"filter by tag", "GET", "/api/v1/macros?tag=billing", e.agentA, "", 200, "", ""},
			{"preview", "POST", conv + "/macros/" + m.ID + "/preview", e.agentA, "", 200, "", ""},
			{"apply", "POST", conv + "/macros/" + m.ID + "/apply", e.agentA, "", 200, "", ""},
			{"apply in another queue", "POST", "/api/v1/conversations/" + e.convB.String() + "/macros/" + m.ID + "/apply", e.agentA, "", 404, "not_found", ""},
			{"unknown macro", "POST", conv + "/macros/99999/apply", e.agentA, "", 404, "not_found", ""},
			{"draft, To empty, macro sets no To", "POST", "/api/v1/macros/" + m.ID + "/draft", e.agentA, `{"channel":"sms"}`, 400, "macro_not_offered", ""},
			{"draft, To filled", "POST", "/api/v1/macros/" + m.ID + "/draft", e.agentA, `{"channel":"sms","to":"+15550009"}`, 200, "", ""},
			{"remove a macro not applied", "POST", "/api/v1/macros/" + m.ID + "/draft/remove", e.agentA, `{"channel":"sms","to":"+15550009"}`, 404, "not_found", ""},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				e.t = t
				b := e.do(st.method, st.path, st.token, st.body, st.status, nil)
				var got apiError
				json.Unmarshal(b, &got)
				if got.Error.Code != st.code || got.Error.Field != st.field {
					t.Fatalf("error = %+v: %s", got.Error, b)
				}
				switch st.name {
				case "render":
					var r struct{ Text string }
					json.Unmarshal(b, &r)
					if r.Text != "Hi Ann, order 42 shipped" {
						t.Fatalf("render: %s", b)
					}
				case "preview", "apply":
					var r struct {
						Conversation struct{ Priority string }
						Composer     struct{ Body string }
					}
					json.Unmarshal(b, &r)
					if r.Conversation.Priority != "urgent" || r.Composer.Body != "On it" {
						t.Fatalf("%s: %s", st.name, b)
					}
				case "quick pick", "filter by tag":
					var l struct{ Items []any }
					json.Unmarshal(b, &l)
					if len(l.Items) != 1 {
						t.Fatalf("list: %s", b)
					}
				}
			})
		}
		var evs struct{ Items []struct{ Type string } }
		e.t = t
		e.do("GET", conv+"/events", e.agentA, "", 200, &evs)
		if n := len(evs.Items); evs.Items[n-1].Type != "macro_applied" {
			t.Fatalf("timeline: %+v", evs.Items)
		}
		// Apply then remove on a draft restores it.
		var d map[string]any
		e.do("POST", "/api/v1/macros/"+m.ID+"/draft", e.agentA, `{"channel":"sms","to":"+15550009","priority":"low"}`, 200, &d)
		b, _ := json.Marshal(d)
		var back map[string]any
		e.do("POST", "/api/v1/macros/"+m.ID+"/draft/remove", e.agentA, string(b), 200, &back)
		if d["priority"] != "urgent" || back["priority"] != "low" || len(back["applied"].([]any)) != 0 {
			t.Fatalf("draft: %v -> %v", d, back)
		}
	})
}
