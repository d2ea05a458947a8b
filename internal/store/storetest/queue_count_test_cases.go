package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testQueueCounts: the live queue counts follow creates, assignments,
// bots, transfers and closing, and agents count only their own queues.
func testQueueCounts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sales := f.MustQueue("Sales")
	support := f.MustQueue("Support")
	on := true
	bot := "https://bot.example/hook"
	secret := "0123456789abcdef"
	bots, err := f.s.UpdateQueue(f.sys, f.MustQueue("Bots").ID, desk.QueueUpdate{BotURL: &bot, BotSecret: &secret, AutoAssign: &on})
	if err != nil {
		t.Fatal(err)
	}
	agent := f.MustAgent("a@example.com", desk.RoleAgent, sales.ID)
	count := func(ctx any, ids ...desk.ID) map[desk.ID]desk.QueueCount {
		t.Helper()
		c := f.sys
		if a, ok := ctx.(*desk.Agent); ok {
			c = f.as(a)
		}
		list, err := f.s.CountQueues(c, ids)
		if err != nil {
			t.Fatal(err)
		}
		m := map[desk.ID]desk.QueueCount{}
		for _, n := range list {
			m[n.QueueID] = n
		}
		return m
	}
	want := func(got desk.QueueCount, q desk.ID, unassigned, assigned, bots int) {
		t.Helper()
		if got != (desk.QueueCount{QueueID: q, Unassigned: unassigned, Assigned: assigned, Bots: bots}) {
			t.Fatalf("count of queue %v = %+v, want %d unassigned, %d assigned, %d bots", q, got, unassigned, assigned, bots)
		}
	}
	// Empty queues are counted as zero.
	want(count(nil, sales.ID)[sales.ID], sales.ID, 0, 0, 0)

	c1 := f.MustIngest("+15550001", "qc-1", "hi", sales.ID).Conversation
	c2 := f.MustIngest("+15550002", "qc-2", "hi", sales.ID).Conversation
	f.MustIngest("+15550002", "qc-2b", "again", sales.ID) // threads into c2: no new conversation
	f.MustIngest("+15550003", "qc-3", "hi", bots.ID)
	m := count(nil, sales.ID, bots.ID, support.ID)
	want(m[sales.ID], sales.ID, 2, 0, 0)
	want(m[bots.ID], bots.ID, 0, 0, 1)
	want(m[support.ID], support.ID, 0, 0, 0)

	if _, err := f.s.AssignConversation(f.sys, c1.ID, agent.ID); err != nil {
		t.Fatal(err)
	}
	want(count(nil, sales.ID)[sales.ID], sales.ID, 1, 1, 0)
	// Solved is still counted (not closed); closed is not.
	solved, closed := desk.ConversationSolved, desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, c1.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	want(count(nil, sales.ID)[sales.ID], sales.ID, 1, 1, 0)
	if _, err := f.s.UpdateConversation(f.sys, c1.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	want(count(nil, sales.ID)[sales.ID], sales.ID, 1, 0, 0)
	// A transfer moves the count from one queue to the other.
	if _, err := f.s.TransferConversation(f.sys, c2.ID, desk.Transfer{QueueID: &support.ID}); err != nil {
		t.Fatal(err)
	}
	m = count(nil, sales.ID, support.ID)
	want(m[sales.ID], sales.ID, 0, 0, 0)
	want(m[support.ID], support.ID, 1, 0, 0)

	// Every queue without ids; an agent only the queues it belongs to.
	if all := count(nil); len(all) != 4 { // Default, Sales, Support, Bots
		t.Fatalf("all queues counted: %+v", all)
	}
	mine := count(agent)
	if _, ok := mine[support.ID]; ok || len(mine) != 2 { // Default and Sales
		t.Fatalf("agent counts %+v, want only its queues", mine)
	}
	if other := count(agent, support.ID); len(other) != 0 {
		t.Fatalf("agent counted another queue: %+v", other)
	}
	if _, err := f.s.CountQueues(t.Context(), nil); err == nil {
		t.Fatal("counted without an actor")
	}
}
