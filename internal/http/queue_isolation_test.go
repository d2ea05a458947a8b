package http

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestQueueIsolation walks every path by which a conversation of queue A
// could reach an agent of queue B only (agent B) — transfer, assignment,
// creation with an assignee, internal conversations, merge, macros that
// move queues, search and attachments — and checks B never gets to see
// it, its notes or its files. On both stores.
func TestQueueIsolation(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		cA := "/api/v1/conversations/" + e.convA.String()
		idB, qA, qB := e.idB.String(), e.queueA.String(), e.queueB.String()
		e.do("POST", cA+"/messages", e.agentA, `{"type":"note","text":"secret note of queue A"}`, 201, nil)
		status, body := e.upload(cA+"/messages", e.agentA, map[string]string{"type": "note", "text": "file"}, map[string][]byte{"a.txt": []byte("queue A file")})
		if status != 201 {
			t.Fatalf("upload: %d %s", status, body)
		}
		var note desk.Message
		json.Unmarshal(body, &note)
		blind := func(step string) {
			t.Helper()
			e.do("GET", cA, e.agentB, "", 404, nil)
			e.do("GET", cA+"/messages", e.agentB, "", 404, nil)
			e.do("GET", "/api/v1/attachments/"+note.Attachments[0].ID.String(), e.agentB, "", 404, nil)
			var list struct{ Items []struct{ ID desk.ID } }
			e.do("GET", "/api/v1/conversations?view=all", e.agentB, "", 200, &list)
			for _, c := range list.Items {
				if c.ID == e.convA {
					t.Fatalf("%s: agent B lists conversation A", step)
				}
			}
			b := e.do("GET", "/api/v1/search?q=secret", e.agentB, "", 200, nil)
			if strings.Contains(string(b), "secret note") {
				t.Fatalf("%s: agent B finds A's note: %s", step, b)
			}
		}
		blind("at first")

		// Transfer to an agent outside the queue (the reported hole): refused
		// for the assignee and for a supervisor.
		e.do("POST", cA+"/assign", e.agentA, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
		var apiErr apiError
		e.do("POST", cA+"/transfer", e.agentA, `{"agent_id":"`+idB+`"}`, 400, &apiErr)
		if apiErr.Error.Field != "agent_id" {
			t.Fatalf("transfer refusal: %+v", apiErr)
		}
		e.do("POST", cA+"/transfer", e.sup, `{"agent_id":"`+idB+`"}`, 400, nil)
		blind("after transfer attempts")
		// Transfer to a supervisor (sees every queue) is allowed.
		e.do("POST", cA+"/transfer", e.agentA, `{"agent_id":"`+e.idSup.String()+`"}`, 200, nil)
		e.do("POST", cA+"/unassign", e.sup, "", 200, nil)

		// Assignment by a supervisor to someone outside the queue.
		e.do("POST", cA+"/assign", e.sup, `{"agent_id":"`+idB+`"}`, 400, nil)
		blind("after assign attempt")

		// A new conversation of queue A assigned to B: agents assign only to
		// themselves (403); a supervisor only to a member of the queue.
		newConv := `{"channel":"sms","sender_address":"brand","to":"+12025550111","queue_id":"` + qA + `","assignee_id":"` + idB + `"}`
		e.do("POST", "/api/v1/conversations", e.agentA, newConv, 403, nil)
		e.do("POST", "/api/v1/conversations", e.sup, newConv, 400, nil)
		// An internal conversation of queue A assigned to B, or linked to A's
		// conversation by someone who does not see it.
		e.do("POST", "/api/v1/internal-conversations", e.agentA, `{"topic":"t","queue_id":"`+qA+`","assignee_id":"`+idB+`","text":"x"}`, 400, nil)
		e.do("POST", "/api/v1/internal-conversations", e.agentB, `{"topic":"t","queue_id":"`+qB+`","linked_conversation_id":"`+e.convA.String()+`","text":"x"}`, 400, nil)

		// Merge across queues: B does not see A's conversation, nor A B's
		// (400 unknown other_id, the same as a conversation that does not
		// exist).
		e.do("POST", "/api/v1/conversations/"+e.convB.String()+"/merge", e.agentB, `{"other_id":"`+e.convA.String()+`"}`, 400, nil)
		e.do("POST", cA+"/merge", e.agentA, `{"other_id":"`+e.convB.String()+`"}`, 400, nil)
		e.do("POST", cA+"/merge", e.agentA, `{"other_id":"999999"}`, 400, nil)
		blind("after merge attempts")

		// A macro moving the conversation to queue B takes it from its
		// queue-A holder (who could otherwise keep it in a queue it cannot
		// see): it arrives in B unassigned.
		var mac struct{ ID desk.ID }
		e.do("POST", "/api/v1/macros", e.sup, `{"name":"to B","actions":{"queue_id":"`+qB+`"}}`, 201, &mac)
		e.do("POST", cA+"/assign", e.agentA, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
		var res struct {
			Conversation struct {
				QueueID    desk.ID  `json:"queue_id"`
				AssigneeID *desk.ID `json:"assignee_id"`
			} `json:"conversation"`
		}
		e.do("POST", cA+"/macros/"+mac.ID.String()+"/apply", e.agentA, "", 200, &res)
		if res.Conversation.QueueID != e.queueB || res.Conversation.AssigneeID != nil {
			t.Fatalf("macro to queue B: %+v", res.Conversation)
		}
		e.do("GET", cA, e.agentA, "", 404, nil) // A's agent no longer sees it
		e.do("GET", cA, e.agentB, "", 200, nil) // now B's, as moved on purpose

		req, _ := http.NewRequest("GET", e.url+"/api/v1/attachments/"+note.Attachments[0].ID.String(), nil)
		req.Header.Set("Authorization", "Bearer "+e.agentA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("A's agent still downloads the moved conversation's file: %d", resp.StatusCode)
		}
	})
}
