package http

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestConversationForm sets a form and values on a conversation over
// HTTP: field-level errors, and 409 form_incomplete naming the fields when
// solving (C10).
func TestConversationForm(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		var form desk.Form
		e.do("POST", "/api/v1/forms", e.sup, `{"name":"Refund","fields":[{"name":"reason","type":"text","required":true},
		{"name":"amount","type":"number"},{"name":"kind","type":"select","options":["a","b"],"required":true}]}`, 201, &form)
		path := "/api/v1/conversations/" + e.convA.String()
		e.do("PATCH", path, e.agentA, `{"form_id":"`+form.ID.String()+`","form_values":{"amount":3}}`, 200, nil)
		for _, tt := range []struct {
			name, body  string
			status      int
			code, field string
		}{
			{"wrong type", `{"form_values":{"amount":"three"}}`, 400, "invalid", "form_values.amount"},
			{"not an option", `{"form_values":{"kind":"c"}}`, 400, "invalid", "form_values.kind"},
			{"unknown field", `{"form_values":{"colour":"red"}}`, 400, "invalid", "form_values.colour"},
			{"solve incomplete", `{"status":"solved","form_values":{"kind":"a"}}`, 409, "form_incomplete", "form_values"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e.t = t
				var got apiError
				json.Unmarshal(e.do("PATCH", path, e.agentA, tt.body, tt.status, nil), &got)
				if got.Error.Code != tt.code || got.Error.Field != tt.field {
					t.Fatalf("error = %+v", got.Error)
				}
			})
		}
		e.t = t
		var c desk.Conversation
		e.do("PATCH", path, e.agentA, `{"status":"solved","form_values":{"kind":"a","reason":"late"}}`, 200, &c)
		if c.Status != "solved" || c.FormValues["reason"] != "late" {
			t.Fatalf("solved: %+v", c)
		}
	})
}
