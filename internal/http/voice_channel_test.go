package http

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestVoiceChannel is K: a Voice channel is configured like any channel —
// its number on the SIP trunk (E.164, checked) and the queue its calls go
// to; a call to that number opens its Voice conversation in that queue,
// a call to another number is routed as before; the channel sends no
// messages.
func TestVoiceChannel(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	var bad apiError
	b := e.do("POST", "/api/v1/channels", e.admin, `{"kind":"voice","provider":"sip","name":"Sales line","sender":"555-0100"}`, 400, nil)
	json.Unmarshal(b, &bad)
	if bad.Error.Field != "sender" {
		t.Fatalf("bad number: %s", b)
	}
	var ch struct {
		ID, Kind, Provider, Sender string
		QueueID                    string `json:"queue_id"`
	}
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"voice","name":"Sales line","sender":"+15550100","queue_id":"`+e.queueB.String()+`"}`, 201, &ch)
	if ch.Kind != "voice" || ch.Provider != "sip" || ch.QueueID != e.queueB.String() {
		t.Fatalf("channel: %+v", ch)
	}
	routed := e.queueA // where the env's service routes calls from the trunk
	queueOf := func(caller, called string) desk.ID {
		t.Helper()
		if _, err := e.svc.IncomingSIP(context.Background(), caller, called, func(string) error { return nil }); err != nil {
			t.Fatal(err)
		}
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		cu, err := e.store.FindCustomerByContact(sys, desk.ChannelVoice, caller)
		if err != nil {
			t.Fatal(err)
		}
		convs, _, _ := e.store.FindConversations(sys, desk.ConversationFilter{CustomerID: &cu.ID, Channel: desk.ChannelVoice})
		if len(convs) != 1 {
			t.Fatalf("conversations of %s: %d", caller, len(convs))
		}
		return convs[0].QueueID
	}
	if q := queueOf("+15550124", "+15550100"); q != e.queueB {
		t.Fatalf("a call to the Sales line went to queue %s, want %s", q, e.queueB)
	}
	if q := queueOf("+15550125", "+15550199"); q != routed {
		t.Fatalf("a call to another number went to queue %s, want the routed %s", q, routed)
	}
}
