package http

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestSenderRules drives E4 through the API on both stores: a queue's
// default sender must be a channel's address; a new conversation starts
// only from the default sender of its queue (a default sender chosen puts
// it in that queue), or, in a queue without one, from a configured sender;
// replies go out only from the conversation's queue's sender; an agent
// outside the conversation's queue is warned and cannot reply; the GET
// pickers list exactly what the rules accept.
func TestSenderRules(t *testing.T) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		qa, qb := e.queueA.String(), e.queueB.String()
		for _, ch := range []string{`"+15550100","name":"Brand A"`, `"+15550200","name":"Brand B"`} {
			e.do("POST", "/api/v1/channels", e.admin, `{"kind":"sms","provider":"twilio","sender":`+ch+`,
				"settings":{"account_sid":"AC1"},"secrets":{"auth_token":"t0k3n"}}`, 201, nil)
		}
		wantErr := func(b []byte, code, field string) {
			t.Helper()
			var got apiError
			json.Unmarshal(b, &got)
			if got.Error.Code != code || got.Error.Field != field {
				t.Fatalf("error %s, want %s on %s", b, code, field)
			}
		}
		// A default sender no channel owns is refused, naming the field.
		wantErr(e.do("PATCH", "/api/v1/queues/"+qa, e.sup, `{"default_senders":{"sms":"+15559999999"}}`, 400, nil), "unknown_sender", "default_senders")
		e.do("PATCH", "/api/v1/queues/"+qa, e.sup, `{"default_senders":{"sms":"+15550100"}}`, 200, nil)
		e.do("PATCH", "/api/v1/queues/"+qb, e.sup, `{"default_senders":{"sms":"+15550200"}}`, 200, nil)

		var pick struct {
			Items []struct {
				Address string
				QueueID string `json:"queue_id"`
			}
			Selected, Warning string
		}
		decode := func(b []byte) {
			t.Helper()
			pick.Items, pick.Selected, pick.Warning = nil, "", ""
			if err := json.Unmarshal(b, &pick); err != nil {
				t.Fatal(err)
			}
		}
		addrs := func() (out []string) {
			for _, it := range pick.Items {
				out = append(out, it.Address)
			}
			return out
		}
		// New conversation, agent of queue A (and the Default queue, which
		// has no default): only A's default is offered, naming its queue.
		decode(e.do("GET", "/api/v1/senders?channel=sms", e.agentA, "", 200, nil))
		if len(pick.Items) != 1 || pick.Items[0].Address != "+15550100" || pick.Items[0].QueueID != qa || pick.Selected != "" {
			t.Fatalf("new-conversation senders: %+v", pick)
		}
		decode(e.do("GET", "/api/v1/senders?channel=sms&queue_id="+qa, e.agentA, "", 200, nil))
		if len(pick.Items) != 1 || pick.Selected != "+15550100" {
			t.Fatalf("queue A senders: %+v", pick)
		}
		// In the Default queue (no default sender) From stays empty and
		// every configured sender is offered.
		var def struct{ Items []struct{ ID string } }
		e.do("GET", "/api/v1/queues", e.agentA, "", 200, &def)
		defaultQueue := def.Items[0].ID
		decode(e.do("GET", "/api/v1/senders?channel=sms&queue_id="+defaultQueue, e.agentA, "", 200, nil))
		if a := addrs(); len(a) != 2 || pick.Selected != "" {
			t.Fatalf("default queue senders: %+v", pick)
		}
		e.do("GET", "/api/v1/senders?channel=pigeon", e.agentA, "", 400, nil)

		var conv struct {
			ID            string `json:"id"`
			QueueID       string `json:"queue_id"`
			SenderAddress string `json:"sender_address"`
		}
		start := func(body string, status int) []byte {
			t.Helper()
			conv.ID, conv.QueueID, conv.SenderAddress = "", "", ""
			return e.do("POST", "/api/v1/conversations", e.agentA, body, status, &conv)
		}
		// The case: a From no channel owns is refused, not sent
		// through the oldest SMS channel.
		wantErr(start(`{"channel":"sms","sender_address":"+15559999999","to":"+12025550101"}`, 400), "unknown_sender", "sender_address")
		wantErr(start(`{"channel":"sms","sender_address":"+15550200","to":"+12025550101","queue_id":"`+qa+`"}`, 400), "sender_not_allowed", "sender_address")
		// A's default sender, no queue named: the conversation goes to A.
		start(`{"channel":"sms","sender_address":"+15550100","to":"+12025550102","text":"hi"}`, 201)
		if conv.QueueID != qa || conv.SenderAddress != "+15550100" {
			t.Fatalf("started: %+v", conv)
		}
		// Queue A named, no From: its default.
		start(`{"channel":"sms","to":"+12025550103","queue_id":"`+qa+`"}`, 201)
		if conv.SenderAddress != "+15550100" {
			t.Fatalf("default taken: %+v", conv)
		}
		// The Default queue has none: From is required, then any configured one.
		wantErr(start(`{"channel":"sms","to":"+12025550104","queue_id":"`+defaultQueue+`"}`, 400), "sender_required", "sender_address")
		start(`{"channel":"sms","sender_address":"+15550200","to":"+12025550104","queue_id":"`+defaultQueue+`"}`, 201)
		inDefault := conv.ID

		// Replies in queue A: only its sender.
		msgs := "/api/v1/conversations/" + e.convA.String()
		decode(e.do("GET", msgs+"/senders", e.agentA, "", 200, nil))
		if a := addrs(); len(a) != 1 || a[0] != "+15550100" || pick.Selected != "+15550100" || pick.Warning != "" {
			t.Fatalf("reply senders: %+v", pick)
		}
		wantErr(e.do("POST", msgs+"/messages", e.agentA, `{"text":"x","from":"+15550200"}`, 403, nil), "sender_not_allowed", "from")
		var m struct{ From string }
		e.do("POST", msgs+"/messages", e.agentA, `{"text":"from A"}`, 201, &m)
		if m.From != "+15550100" {
			t.Fatalf("reply from %q", m.From)
		}
		// Replies in the Default queue: any configured sender, nothing else.
		other := "/api/v1/conversations/" + inDefault
		decode(e.do("GET", other+"/senders", e.agentA, "", 200, nil))
		if a := addrs(); len(a) != 2 || pick.Selected != "" {
			t.Fatalf("default queue reply senders: %+v", pick)
		}
		wantErr(e.do("POST", other+"/messages", e.agentA, `{"text":"x","from":"+15559999999"}`, 400, nil), "unknown_sender", "from")
		e.do("POST", other+"/messages", e.agentA, `{"text":"x","from":"+15550100"}`, 201, nil)

		// A conversation of queue B held by agent A, who has since left B:
		// a warning, no senders, and replies refused; notes still work.
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		if err := e.store.AddQueueMember(sys, e.queueB, e.idA); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.AssignConversation(sys, e.convB, e.idA); err != nil {
			t.Fatal(err)
		}
		if err := e.store.RemoveQueueMember(sys, e.queueB, e.idA); err != nil {
			t.Fatal(err)
		}
		inB := "/api/v1/conversations/" + e.convB.String()
		decode(e.do("GET", inB+"/senders", e.agentA, "", 200, nil))
		if len(pick.Items) != 0 || pick.Warning == "" {
			t.Fatalf("outside the queue: %+v", pick)
		}
		wantErr(e.do("POST", inB+"/messages", e.agentA, `{"text":"x"}`, 403, nil), "not_in_queue", "from")
		e.do("POST", inB+"/messages", e.agentA, `{"type":"note","text":"asking B"}`, 201, nil)
		// Agent B, in queue B, replies from B's sender.
		e.do("POST", inB+"/messages", e.agentB, `{"text":"from B"}`, 201, &m)
		if m.From != "+15550200" {
			t.Fatalf("B reply from %q", m.From)
		}
	})
}
