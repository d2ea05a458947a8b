package storetest

import (
	"fmt"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// testAssignChannelCapSkips is A10/B3 with a per-channel cap: a waiting
// conversation nobody may take (its channel is capped at 0 for the only
// agent) waits, and never holds back the conversations of other channels
// behind it — in a backlog drained by AutoAssign (one at a time and in a
// batch, the blocked ones at the head and in between), with the Assigner
// following changes, and inside the writes themselves (inline, where the
// store does that).
func testAssignChannelCapSkips(t *testing.T, open Opener, mode string) {
	f := newFixtureWith(t, open, sqlstore.Options{InlineAssign: mode == "inline"})
	if mode == "inline" && !f.inline() {
		t.Log("the store does not assign inline; the other modes cover it")
		return
	}
	q := f.MustQueue("Caps")
	f.setAuto(q.ID, false)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	three := 3
	caps := map[string]int{desk.ChannelWhatsApp: 0}
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{Capacity: &three, ChannelCapacity: &caps}); err != nil {
		t.Fatal(err)
	}
	var settle func()
	switch mode {
	case "assigner":
		settle = f.startAssigners(1)
		f.available(ann)
	case "inline":
		settle = func() {}
		f.available(ann)
	case "drain":
		settle = func() {} // Ann comes back only once the backlog is there
	}
	ingest := func(channel, from string) *desk.Conversation {
		t.Helper()
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: channel, From: from, To: "support", Text: "hi",
			ExternalID: "x" + from, QueueID: q.ID})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(1000)
		return res.Conversation
	}
	// Waiting order: wa1 (urgent), wa2, sms1, wa3, sms2, sms3, sms4.
	wa1 := ingest(desk.ChannelWhatsApp, "+15550701")
	f.setPriority(wa1.ID, desk.PriorityUrgent)
	wa2 := ingest(desk.ChannelWhatsApp, "+15550702")
	sms := []*desk.Conversation{ingest(desk.ChannelSMS, "+15550711")}
	wa3 := ingest(desk.ChannelWhatsApp, "+15550703")
	for i := 2; i <= 4; i++ {
		sms = append(sms, ingest(desk.ChannelSMS, fmt.Sprintf("+1555071%d", i)))
	}
	if mode == "drain" {
		f.available(ann)
		// One at a time: each call looks past the WhatsApp head.
		for i := 0; i < 2; i++ {
			got, err := f.s.AutoAssign(f.sys, q.ID, 1)
			if err != nil || len(got) != 1 || got[0].ConversationID != sms[i].ID || got[0].AgentID != ann.ID {
				t.Fatalf("drain %d: %+v %v", i, got, err)
			}
		}
		got, err := f.s.AutoAssign(f.sys, q.ID, 20)
		if err != nil || len(got) != 1 || got[0].ConversationID != sms[2].ID {
			t.Fatalf("batch: %+v %v", got, err)
		}
	}
	settle()
	for i, c := range sms[:3] {
		if f.assignee(c.ID) != ann.ID {
			t.Fatalf("sms%d waits behind a WhatsApp conversation nobody may take", i+1)
		}
	}
	for _, c := range []*desk.Conversation{wa1, wa2, wa3, sms[3]} {
		if f.assignee(c.ID) != 0 {
			t.Fatalf("conversation %s assigned past the caps", c.ID)
		}
	}
	if a, _ := f.s.FindAgentByID(f.sys, ann.ID); a.Load != 3 {
		t.Fatalf("load %d, want 3", a.Load)
	}
	// Freed room goes to the SMS still waiting, not to a WhatsApp one.
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(f.sys, sms[0].ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if mode == "drain" {
		if got, err := f.s.AutoAssign(f.sys, q.ID, 20); err != nil || len(got) != 1 || got[0].ConversationID != sms[3].ID {
			t.Fatalf("freed: %+v %v", got, err)
		}
	}
	settle()
	if f.assignee(sms[3].ID) != ann.ID || f.assignee(wa1.ID) != 0 {
		t.Fatal("freed room did not go to the waiting SMS")
	}
	// Lifting the cap lets the WhatsApp conversations in, urgent first.
	none := map[string]int{}
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{ChannelCapacity: &none}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateConversation(f.sys, sms[1].ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if mode != "assigner" {
		if _, err := f.s.AutoAssign(f.sys, q.ID, 20); err != nil {
			t.Fatal(err)
		}
	}
	settle()
	if f.assignee(wa1.ID) != ann.ID || f.assignee(wa2.ID) != 0 {
		t.Fatal("with the cap lifted the urgent WhatsApp conversation comes first")
	}
}
