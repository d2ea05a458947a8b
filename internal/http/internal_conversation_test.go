package http

import (
	"encoding/json"
	"testing"
)

// TestInternalConversationAnyQueue is C9 through the API on both stores:
// an agent of queue A asks queue B (to which they do not belong), assigned
// to B's agent at once; both see it, an outsider does not; the customer
// conversation it links to stays hidden from B's agent.
func TestInternalConversationAnyQueue(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		var res struct {
			Conversation struct {
				ID         string `json:"id"`
				QueueID    string `json:"queue_id"`
				AssigneeID string `json:"assignee_id"`
			}
		}
		body := `{"topic":"Refund rules?","queue_id":"` + e.queueB.String() + `","assignee_id":"` + e.idB.String() +
			`","linked_conversation_id":"` + e.convA.String() + `","text":"Can we refund after 30 days?"}`
		e.do("POST", "/api/v1/internal-conversations", e.agentA, body, 201, &res)
		c := res.Conversation
		if c.QueueID != e.queueB.String() || c.AssigneeID != e.idB.String() {
			t.Fatalf("created: %+v", c)
		}
		conv := "/api/v1/conversations/" + c.ID
		e.do("GET", conv, e.agentA, "", 200, nil)
		e.do("GET", conv, e.agentB, "", 200, nil)
		e.do("POST", conv+"/messages", e.agentB, `{"text":"Yes, with approval"}`, 201, nil)
		e.do("POST", conv+"/messages", e.agentA, `{"text":"Thanks"}`, 201, nil)
		e.do("GET", "/api/v1/conversations/"+e.convA.String(), e.agentB, "", 404, nil)
		// An assignee outside the asked queue is refused, naming the field.
		b := e.do("POST", "/api/v1/internal-conversations", e.agentA, `{"topic":"x","queue_id":"`+e.queueB.String()+
			`","assignee_id":"`+e.idA.String()+`","text":"x"}`, 400, nil)
		var got apiError
		json.Unmarshal(b, &got)
		if got.Error.Field != "assignee_id" {
			t.Fatalf("assignee outside: %s", b)
		}
	})
}
