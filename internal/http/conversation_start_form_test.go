package http

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestConversationStartFormAndAgent is C2's Form and Agent fields through
// the API on both stores: form_id (with values) is accepted and stored;
// agent_id assigns — an agent may not assign a colleague (403
// assign_not_allowed, field agent_id) until the queue allows it; a
// supervisor assigns anyone of the queue.
func TestConversationStartFormAndAgent(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		col := &desk.Agent{Email: "col@example.com", Role: desk.RoleAgent, Capacity: 5, QueueIDs: []desk.ID{e.queueA}}
		if err := e.store.CreateAgent(sys, col); err != nil {
			t.Fatal(err)
		}
		var form struct{ ID string }
		e.do("POST", "/api/v1/forms", e.sup, `{"name":"Order","fields":[{"name":"order","type":"text","required":true}]}`, 201, &form)
		qa := e.queueA.String()
		body := func(to, extra string) string {
			return `{"channel":"sms","sender_address":"brand","to":"` + to + `","queue_id":"` + qa + `"` + extra + `}`
		}
		var c struct {
			AssigneeID *string        `json:"assignee_id"`
			FormID     *string        `json:"form_id"`
			FormValues map[string]any `json:"form_values"`
		}
		e.do("POST", "/api/v1/conversations", e.agentA, body("+12025550161", `,"form_id":"`+form.ID+`","form_values":{"order":"A-1"},"agent_id":"`+e.idA.String()+`"`), 201, &c)
		if c.FormID == nil || *c.FormID != form.ID || c.FormValues["order"] != "A-1" || c.AssigneeID == nil || *c.AssigneeID != e.idA.String() {
			t.Fatalf("created: %+v", c)
		}
		var got apiError
		b := e.do("POST", "/api/v1/conversations", e.agentA, body("+12025550162", `,"agent_id":"`+col.ID.String()+`"`), 403, nil)
		json.Unmarshal(b, &got)
		if got.Error.Code != "assign_not_allowed" || got.Error.Field != "agent_id" {
			t.Fatalf("colleague: %s", b)
		}
		b = e.do("POST", "/api/v1/conversations", e.agentA, body("+12025550162", `,"agent_id":"`+col.ID.String()+`","assignee_id":"`+e.idA.String()+`"`), 400, nil)
		e.do("PATCH", "/api/v1/queues/"+qa, e.agentA, `{"agents_assign_colleagues":true}`, 403, nil)
		e.do("PATCH", "/api/v1/queues/"+qa, e.sup, `{"agents_assign_colleagues":true}`, 200, nil)
		c.AssigneeID = nil
		e.do("POST", "/api/v1/conversations", e.agentA, body("+12025550162", `,"agent_id":"`+col.ID.String()+`"`), 201, &c)
		if c.AssigneeID == nil || *c.AssigneeID != col.ID.String() {
			t.Fatalf("colleague allowed: %+v", c)
		}
		e.do("POST", "/api/v1/conversations", e.sup, body("+12025550163", `,"agent_id":"`+e.idA.String()+`"`), 201, nil)
		b = e.do("POST", "/api/v1/conversations", e.agentA, body("+12025550164", `,"form_id":"999999"`), 400, nil)
		json.Unmarshal(b, &got)
		if got.Error.Field != "form_id" {
			t.Fatalf("unknown form: %s", b)
		}
	})
}
