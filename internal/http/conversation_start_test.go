package http

import (
	"encoding/json"
	"testing"
)

// TestConversationStart drives POST /api/v1/conversations through C2–C4:
// every phone format finds the same contact, the three outcomes of the
// ongoing-conversation check, and the field errors.
func TestConversationStart(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		qa := e.queueA.String()
		var created struct {
			ID             string `json:"id"`
			ContactAddress string `json:"contact_address"`
			SenderAddress  string `json:"sender_address"`
			Status         string `json:"status"`
			Priority       string `json:"priority"`
			AssigneeID     string `json:"assignee_id"`
			Message        struct {
				ID            string `json:"id"`
				DeliveryState string `json:"delivery_state"`
				Segments      int    `json:"segments"`
			} `json:"message"`
		}
		steps := []struct {
			name, token, body string
			status            int
			code, field       string
			check             func(t *testing.T, body []byte)
		}{
			{"created", e.agentA, `{"channel":"sms","sender_address":"brand","to":"(800) 100-20000","queue_id":"` + qa + `","text":"Hello"}`, 201, "", "",
				func(t *testing.T, b []byte) {
					json.Unmarshal(b, &created)
					if created.ContactAddress != "80010020000" || created.Status != "open" || created.Priority != "normal" ||
						created.AssigneeID != e.idA.String() || created.Message.ID == "" || created.Message.DeliveryState != "queued" || created.Message.Segments != 1 {
						t.Fatalf("created: %s", b)
					}
				}},
			{"same number typed with dashes: continue it", e.agentA, `{"channel":"sms","sender_address":"brand","to":"800-100-20000","queue_id":"` + qa + `"}`, 409, "ongoing_conversation", "",
				func(t *testing.T, b []byte) {
					var got apiError
					json.Unmarshal(b, &got)
					conv, _ := got.Error.Detail["conversation"].(map[string]any)
					if got.Error.Detail["conversation_id"] != created.ID || conv["id"] != created.ID {
						t.Fatalf("detail: %s", b)
					}
				}},
			{"bare digits, another agent's: refused naming the agent", e.sup, `{"channel":"sms","sender_address":"brand","to":"80010020000","queue_id":"` + qa + `"}`, 409, "ongoing_with_other_agent", "",
				func(t *testing.T, b []byte) {
					var got apiError
					json.Unmarshal(b, &got)
					if got.Error.Detail["agent_id"] != e.idA.String() || got.Error.Detail["agent_name"] == "" {
						t.Fatalf("detail: %s", b)
					}
				}},
			{"brackets and dash, mine: continue it", e.agentA, `{"channel":"sms","sender_address":"brand","to":"(800)-100-20000","queue_id":"` + qa + `"}`, 409, "ongoing_conversation", "", nil},
			{"another sender is another conversation; assignee_id null leaves it to the queue", e.agentA, `{"channel":"sms","sender_address":"other","to":"80010020000","queue_id":"` + qa + `","assignee_id":null}`, 201, "", "",
				func(t *testing.T, b []byte) {
					var c map[string]any
					json.Unmarshal(b, &c)
					if c["assignee_id"] != nil {
						t.Fatalf("assignee_id null: %s", b)
					}
				}},
			{"letters in a number", e.agentA, `{"channel":"sms","sender_address":"brand","to":"800-CALL-NOW"}`, 400, "invalid", "to", nil},
			{"invalid international number", e.agentA, `{"channel":"sms","sender_address":"brand","to":"+1 555"}`, 400, "invalid", "to", nil},
			{"to missing", e.agentA, `{"channel":"sms","sender_address":"brand"}`, 400, "invalid", "to", nil},
			{"customer and to both", e.agentA, `{"channel":"sms","sender_address":"brand","to":"1234","customer_id":"1"}`, 400, "invalid", "to", nil},
			{"no sender and no default sender", e.agentA, `{"channel":"sms","to":"+12025550143","queue_id":"` + qa + `"}`, 400, "sender_required", "sender_address", nil},
			{"set the queue's default sender", e.sup, "", 0, "", "", nil},
			{"default sender used", e.agentA, `{"channel":"sms","to":"+1 202 555 0143","queue_id":"` + qa + `"}`, 201, "", "",
				func(t *testing.T, b []byte) {
					var c map[string]any
					json.Unmarshal(b, &c)
					if c["sender_address"] != "brand" || c["contact_address"] != "+12025550143" {
						t.Fatalf("default sender: %s", b)
					}
				}},
			{"whatsapp opens with a template", e.agentA, `{"channel":"whatsapp","sender_address":"brand","to":"+12025550144","text":"hi"}`, 400, "template_required", "type", nil},
			{"unknown channel", e.agentA, `{"channel":"pigeon","to":"x"}`, 400, "invalid", "channel", nil},
			{"unknown field", e.agentA, `{"channel":"sms","summary":"x"}`, 400, "unknown_field", "summary", nil},
			{"email with cc", e.agentA, `{"channel":"email","sender_address":"help@brand.example","to":"Bob@Example.com","cc":["boss@example.com"],"subject":"Order","text":"Hi Bob","priority":"high"}`, 201, "", "",
				func(t *testing.T, b []byte) {
					var c map[string]any
					json.Unmarshal(b, &c)
					if c["contact_address"] != "bob@example.com" || c["subject"] != "Order" || c["priority"] != "high" {
						t.Fatalf("email: %s", b)
					}
				}},
			{"anonymous", "", `{"channel":"sms"}`, 401, "unauthenticated", "", nil},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				e.t = t
				switch st.name {
				case "set the queue's default sender":
					// E4: a default sender is an address a channel owns.
					e.do("PATCH", "/api/v1/queues/"+qa, e.sup, `{"default_senders":{"sms":"brand"}}`, 400, nil)
					e.do("POST", "/api/v1/channels", e.admin, `{"kind":"sms","provider":"twilio","name":"Brand SMS","sender":"brand",
						"settings":{"account_sid":"AC1"},"secrets":{"auth_token":"t0k3n"}}`, 201, nil)
					e.do("PATCH", "/api/v1/queues/"+qa, e.sup, `{"default_senders":{"sms":"brand"}}`, 200, nil)
					return
				}
				b := e.do("POST", "/api/v1/conversations", st.token, st.body, st.status, nil)
				if st.code != "" {
					var got apiError
					json.Unmarshal(b, &got)
					if got.Error.Code != st.code || got.Error.Field != st.field {
						t.Fatalf("error = %+v, want %s/%s", got.Error, st.code, st.field)
					}
				}
				if st.check != nil {
					st.check(t, b)
				}
			})
		}
	})
}
