package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testIngest(t *testing.T, open Opener) {
	f := newFixture(t, open)
	r1 := f.MustIngest("+1 (555) 000-1", "m1", "Hello", 0)
	if !r1.NewCustomer || !r1.NewConversation || r1.Duplicate || r1.Conversation.Status != "open" || r1.Message.From != "+15550001" {
		t.Fatalf("first message: %+v", r1)
	}
	r2 := f.MustIngest("+15550001", "m2", "Anyone?", 0)
	if r2.NewConversation || r2.NewCustomer || r2.Reopened || r2.Conversation.ID != r1.Conversation.ID {
		t.Fatalf("second message not threaded: %+v", r2)
	}
	dup := f.MustIngest("+15550001", "m1", "Hello again", 0)
	if !dup.Duplicate || dup.Message.ID != r1.Message.ID || dup.Message.Text != "Hello" {
		t.Fatalf("repeat external ID: %+v", dup)
	}
	msgs, _, _ := f.s.FindMessages(f.sys, r1.Conversation.ID, desk.MessageFilter{})
	if len(msgs) != 2 {
		t.Fatalf("thread has %d messages, want 2 (duplicate stored?)", len(msgs))
	}
	// Solved reopens; closed starts a new conversation.
	solved, closed := desk.ConversationSolved, desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, r1.Conversation.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	r3 := f.MustIngest("+15550001", "m3", "Still broken", 0)
	if r3.Conversation.ID != r1.Conversation.ID || r3.Conversation.Status != desk.ConversationOpen || !r3.Reopened {
		t.Fatalf("solved conversation not reopened: %+v", r3.Conversation)
	}
	if _, err := f.s.UpdateConversation(f.sys, r1.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	r4 := f.MustIngest("+15550001", "m4", "New problem", 0)
	if !r4.NewConversation || r4.Conversation.ID == r1.Conversation.ID || r4.Customer.ID != r1.Customer.ID {
		t.Fatalf("after close: %+v", r4)
	}
	evs, err := f.s.FindEvents(f.sys, r1.Conversation.ID)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if fmt.Sprint(types) != "[created status_changed reopened status_changed]" {
		t.Fatalf("timeline = %v", types)
	}
	// A customer's last activity moves with their messages, to the minute.
	lastActivity := func() time.Time {
		t.Helper()
		cu, err := f.s.FindCustomerByID(f.sys, r1.Customer.ID)
		if err != nil || cu.LastActivityAt == nil {
			t.Fatalf("customer: %+v, %v", cu, err)
		}
		return *cu.LastActivityAt
	}
	before := lastActivity()
	f.clock.Add(30 * time.Second)
	if r := f.MustIngest("+15550001", "m5", "within the minute", 0); !r.Customer.LastActivityAt.Equal(before) {
		t.Fatalf("result's last activity %v, stored %v", r.Customer.LastActivityAt, before)
	}
	if got := lastActivity(); !got.Equal(before) {
		t.Fatalf("last activity moved within its minute: %v -> %v", before, got)
	}
	f.clock.Add(31 * time.Second)
	r6 := f.MustIngest("+15550001", "m6", "a minute later", 0)
	if got := lastActivity(); !got.Equal(f.clock.Now()) || !r6.Customer.LastActivityAt.Equal(got) {
		t.Fatalf("last activity %v (result %v), want %v", got, r6.Customer.LastActivityAt, f.clock.Now())
	}

	if c, err := f.s.FindConversationByID(f.sys, r6.Conversation.ID); err != nil {
		t.Fatal(err)
	} else if now := f.clock.Now(); c.LastMessageAt == nil || !c.LastMessageAt.Equal(now) || !c.LastCustomerMessageAt.Equal(now) || !c.UpdatedAt.Equal(now) {
		t.Fatalf("conversation not touched by its message at %v: %+v", now, c)
	}
	// A repeat whose sender is no longer anyone's contact is still a repeat.
	other := []desk.Contact{{Channel: r1.Message.Channel, Address: "+15550999"}}
	if _, err := f.s.UpdateCustomer(f.sys, r1.Customer.ID, desk.CustomerUpdate{Contacts: &other}); err != nil {
		t.Fatal(err)
	}
	if again := f.MustIngest("+15550001", "m6", "a minute later", 0); !again.Duplicate || again.Message.ID != r6.Message.ID {
		t.Fatalf("repeat from a removed contact: %+v", again)
	}

	_, err = f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: "sms", From: "+1555", Text: "x"})
	wantCode(t, err, desk.EINVALID)
	_, err = f.s.IngestMessage(f.as(f.MustAgent("a@example.com", desk.RoleAdmin)), &desk.InboundMessage{Channel: "sms", From: "+1555", Text: "x", ExternalID: "e"})
	wantCode(t, err, desk.EFORBIDDEN)
}

func testAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agentA := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID)
	sup := f.MustAgent("s@example.com", desk.RoleSupervisor)
	inA := f.MustIngest("+15550001", "a1", "for A", qa.ID).Conversation
	inB := f.MustIngest("+15550002", "b1", "for B", qb.ID).Conversation

	ctx := f.as(agentA)
	if _, err := f.s.FindConversationByID(ctx, inA.ID); err != nil {
		t.Fatalf("own queue: %v", err)
	}
	_, err := f.s.FindConversationByID(ctx, inB.ID)
	wantCode(t, err, desk.ENOTFOUND)
	_, _, err = f.s.FindMessages(ctx, inB.ID, desk.MessageFilter{})
	wantCode(t, err, desk.ENOTFOUND)
	_, err = f.s.FindEvents(ctx, inB.ID)
	wantCode(t, err, desk.ENOTFOUND)
	_, err = f.s.AssignConversation(ctx, inB.ID, agentA.ID)
	wantCode(t, err, desk.ENOTFOUND)
	wantCode(t, f.s.CreateMessage(ctx, &desk.Message{ConversationID: inB.ID, Text: "peek"}), desk.ENOTFOUND)
	for _, view := range []string{"all", "unassigned", "history", "mine", "bots"} {
		list, _, err := f.s.FindConversations(ctx, desk.ConversationFilter{View: view})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.ID == inB.ID {
				t.Fatalf("view %s leaks queue B's conversation to an agent of A", view)
			}
		}
	}
	all, _, _ := f.s.FindConversations(f.as(sup), desk.ConversationFilter{View: "all"})
	if len(all) != 2 {
		t.Fatalf("supervisor sees %d conversations, want 2", len(all))
	}
	// Queue isolation (issue 19): not even a supervisor hands queue B's
	// conversation to an agent of queue A only; it stays out of A's sight.
	_, err = f.s.TransferConversation(f.as(sup), inB.ID, desk.Transfer{AgentID: &agentA.ID})
	wantCode(t, err, desk.EINVALID)
	if _, err := f.s.FindConversationByID(ctx, inB.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("an agent of another queue sees the conversation after a refused transfer: %v", err)
	}
	if _, err := f.s.FindConversationByID(desk.NewContextWithActor(t.Context(), nil), inA.ID); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("anonymous read: %v", err)
	}
}

func testViews(t *testing.T, open Opener) {
	f := newFixture(t, open)
	zq, aq := f.MustQueue("Zeta"), f.MustQueue("Alpha")
	me := f.MustAgent("me@example.com", desk.RoleSupervisor, zq.ID, aq.ID)
	names := []string{"Carol", "alice", "Bob", "", "dave"}
	queues := []desk.ID{0, zq.ID, aq.ID, 0, zq.ID}
	var ids []desk.ID
	for i, n := range names {
		f.clock.Add(time.Minute)
		r := f.MustIngest(fmt.Sprintf("+1555000%d", i), fmt.Sprintf("v%d", i), "hi", queues[i])
		if n != "" {
			if _, err := f.s.UpdateCustomer(f.sys, r.Customer.ID, desk.CustomerUpdate{Name: &n}); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, r.Conversation.ID)
	}
	ctx := f.as(me)
	order := func(fl desk.ConversationFilter) []desk.ID {
		t.Helper()
		var out []desk.ID
		fl.Limit = 2
		for {
			page, next, err := f.s.FindConversations(ctx, fl)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				out = append(out, c.ID)
			}
			if next == "" {
				return out
			}
			fl.Cursor = next
		}
	}
	check := func(name string, got []desk.ID, want ...desk.ID) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: got %v want %v", name, got, want)
		}
	}
	check("oldest pending", order(desk.ConversationFilter{View: "all"}), ids[0], ids[1], ids[2], ids[3], ids[4])
	check("latest pending", order(desk.ConversationFilter{View: "all", Sort: "latest_pending"}), ids[4], ids[3], ids[2], ids[1], ids[0])
	// Customer name, else the address ("+15550003" sorts before letters).
	check("customer", order(desk.ConversationFilter{View: "all", Sort: "customer"}), ids[3], ids[1], ids[2], ids[0], ids[4])
	// Default queue first, then Alpha, then Zeta.
	check("queue", order(desk.ConversationFilter{View: "all", Sort: "queue"}), ids[0], ids[3], ids[2], ids[1], ids[4])

	urgent, closed, waiting := "urgent", "closed", "waiting"
	f.s.UpdateConversation(ctx, ids[1], desk.ConversationUpdate{Priority: &urgent, Tags: &[]string{"refund"}})
	f.s.UpdateConversation(ctx, ids[2], desk.ConversationUpdate{Status: &waiting})
	f.clock.Add(time.Minute)
	f.s.UpdateConversation(ctx, ids[4], desk.ConversationUpdate{Status: &closed})
	f.clock.Add(time.Minute)
	f.s.UpdateConversation(ctx, ids[0], desk.ConversationUpdate{Status: &closed})
	check("status", order(desk.ConversationFilter{View: "all", Sort: "status"}), ids[1], ids[3], ids[2])
	check("history oldest closed", order(desk.ConversationFilter{View: "history"}), ids[4], ids[0])
	check("history latest closed", order(desk.ConversationFilter{View: "history", Sort: "latest_closed"}), ids[0], ids[4])
	check("priority filter", order(desk.ConversationFilter{View: "all", Priority: "urgent"}), ids[1])
	check("tag filter", order(desk.ConversationFilter{View: "all", Tag: "REFUND"}), ids[1])
	check("queue filter", order(desk.ConversationFilter{View: "all", QueueID: &aq.ID}), ids[2])
	check("status filter", order(desk.ConversationFilter{View: "all", Status: "waiting"}), ids[2])
	if _, err := f.s.AssignConversation(ctx, ids[3], me.ID); err != nil {
		t.Fatal(err)
	}
	check("mine", order(desk.ConversationFilter{View: "mine"}), ids[3])
	check("unassigned", order(desk.ConversationFilter{View: "unassigned"}), ids[1], ids[2])
	check("bots", order(desk.ConversationFilter{View: "bots"}))
	_, _, err := f.s.FindConversations(ctx, desk.ConversationFilter{View: "history", Sort: "status"})
	wantCode(t, err, desk.EINVALID)
	_, _, err = f.s.FindConversations(ctx, desk.ConversationFilter{View: "all", Cursor: "garbage!"})
	wantCode(t, err, desk.EINVALID)
}
