package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testAutoAssignBatch checks that one call planning many assignments from
// one read chooses exactly as one-at-a-time assignment would (B3, A10):
// priority then oldest, least loaded then longest idle (also among agents
// given work in the same batch at the same instant), never above capacity
// or a per-channel cap, never to an Away agent; conversations of a channel
// nobody has room on wait (see testAssignChannelCapSkips for the others).
func testAutoAssignBatch(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Batch")
	f.setAuto(q.ID, false)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	bob := f.MustAgent("bob@example.com", desk.RoleAgent, q.ID)
	cat := f.MustAgent("cat@example.com", desk.RoleAgent, q.ID)
	dan := f.MustAgent("dan@example.com", desk.RoleAgent, q.ID) // stays Away
	if _, err := f.s.SetAgentStatus(f.sys, dan.ID, desk.StatusAway); err != nil {
		t.Fatal(err)
	}
	// Idle order opposite to ID order: Cat got work first, then Ann, then
	// Bob; all three solved again, so all are at load 0.
	solved := desk.ConversationSolved
	for i, a := range []*desk.Agent{cat, ann, bob} {
		f.available(a)
		w := f.MustIngest(fmt.Sprintf("+1555040%d", i), fmt.Sprint("w", i), "hi", q.ID).Conversation
		if got, err := f.s.AutoAssign(f.sys, q.ID, 10); err != nil || len(got) != 1 || got[0].AgentID != a.ID {
			t.Fatalf("warm-up %d: %+v %v", i, got, err)
		}
		if _, err := f.s.UpdateConversation(f.sys, w.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Second)
	}
	two, three := 2, 3
	smsCap := map[string]int{desk.ChannelSMS: 1}
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{Capacity: &two}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateAgent(f.sys, bob.ID, desk.AgentUpdate{Capacity: &three, ChannelCapacity: &smsCap}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateAgent(f.sys, cat.ID, desk.AgentUpdate{Capacity: &three}); err != nil {
		t.Fatal(err)
	}
	c := make([]*desk.Conversation, 10)
	for i := 1; i <= 9; i++ {
		c[i] = f.MustIngest(fmt.Sprintf("+1555041%d", i), fmt.Sprint("c", i), "hi", q.ID).Conversation
		f.clock.Add(time.Second)
	}
	f.setPriority(c[7].ID, desk.PriorityUrgent)
	f.setPriority(c[9].ID, desk.PriorityHigh)

	got, err := f.s.AutoAssign(f.sys, q.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	// Waiting order c7 (urgent), c9 (high), c1, c2, ... Cat, Ann, Bob by
	// idle time at load 0; at load 1 the same order (given in that order,
	// on the same frozen clock); Bob takes one SMS only; Ann is full at 2,
	// Cat at 3; then c5 cannot be taken, nor any SMS behind it.
	want := []struct {
		conv  *desk.Conversation
		agent *desk.Agent
	}{{c[7], cat}, {c[9], ann}, {c[1], bob}, {c[2], cat}, {c[3], ann}, {c[4], cat}}
	if len(got) != len(want) {
		t.Fatalf("assigned %d, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].ConversationID != w.conv.ID || got[i].AgentID != w.agent.ID || got[i].QueueID != q.ID {
			t.Fatalf("assignment %d: %+v, want conversation %s to %s", i, got[i], w.conv.ID, w.agent.Email)
		}
		if f.assignee(w.conv.ID) != w.agent.ID {
			t.Fatalf("conversation %s stored with %s, want %s", w.conv.ID, f.assignee(w.conv.ID), w.agent.ID)
		}
		evs, err := f.s.FindEvents(f.sys, w.conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Type != desk.EventAssigned || last.Data["automatic"] != true || last.Data["agent_id"] != w.agent.ID.String() ||
			last.Data["agent_name"] != w.agent.Name {
			t.Fatalf("event of %s: %+v", w.conv.ID, last)
		}
	}
	for _, i := range []int{5, 6, 8} {
		if f.assignee(c[i].ID) != 0 {
			t.Fatalf("c%d assigned past the conversation nobody could take", i)
		}
	}
	for a, load := range map[*desk.Agent]int{ann: 2, bob: 1, cat: 3, dan: 0} {
		if got, _ := f.s.FindAgentByID(f.sys, a.ID); got.Load != load {
			t.Fatalf("%s load %d, want %d", a.Email, got.Load, load)
		}
	}
	if got, err := f.s.AutoAssign(f.sys, q.ID, 20); err != nil || len(got) != 0 {
		t.Fatalf("nobody has room for an SMS, yet: %+v %v", got, err)
	}
	// Room freed on Ann: the head of the queue (c5) goes to her.
	if _, err := f.s.UpdateConversation(f.sys, c[9].ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.AutoAssign(f.sys, q.ID, 20); err != nil || len(got) != 1 || got[0].ConversationID != c[5].ID || got[0].AgentID != ann.ID {
		t.Fatalf("freed room: %+v %v", got, err)
	}
}

// testAssignerFreedAfterJoin: capacity freed by an agent is offered in
// every queue the agent belongs to now, also one joined after the
// Assigner last looked the agent's queues up.
func testAssignerFreedAfterJoin(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q1, q2 := f.MustQueue("One"), f.MustQueue("Two")
	f.setAuto(q1.ID, false)
	f.setAuto(q2.ID, false)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q1.ID)
	one := 1
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{Capacity: &one}); err != nil {
		t.Fatal(err)
	}
	settle := f.startAssigners(1)
	f.available(ann)
	solved := desk.ConversationSolved
	c1 := f.MustIngest("+15550501", "j1", "hi", q1.ID).Conversation
	settle()
	if f.assignee(c1.ID) != ann.ID {
		t.Fatal("c1 not assigned")
	}
	if _, err := f.s.UpdateConversation(f.sys, c1.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	settle() // Ann's queues looked up: Default and One
	c2 := f.MustIngest("+15550502", "j2", "hi", q1.ID).Conversation
	c3 := f.MustIngest("+15550503", "j3", "hi", q2.ID).Conversation
	settle()
	if f.assignee(c2.ID) != ann.ID || f.assignee(c3.ID) != 0 {
		t.Fatal("c2 should be Ann's, c3 (nobody in Two) waiting")
	}
	if err := f.s.AddQueueMember(f.sys, q2.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	settle()
	if f.assignee(c3.ID) != 0 {
		t.Fatal("Ann is full, yet got c3")
	}
	if _, err := f.s.UpdateConversation(f.sys, c2.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	settle()
	if f.assignee(c3.ID) != ann.ID {
		t.Fatal("capacity freed in One should pull the waiting conversation of Two, which Ann joined since")
	}
}
