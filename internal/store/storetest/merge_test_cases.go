package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testMerge(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID, qb.ID)
	ctx := f.as(agent)
	cu := &desk.Customer{Name: "Ann", Contacts: []desk.Contact{{Channel: "sms", Address: "+15550001"}, {Channel: "email", Address: "ann@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, cu); err != nil {
		t.Fatal(err)
	}
	older := f.MustIngest("+15550001", "s1", "sms first", qb.ID).Conversation
	if _, err := f.s.UpdateConversation(f.sys, older.ID, desk.ConversationUpdate{Tags: &[]string{"sms"}}); err != nil {
		t.Fatal(err)
	}
	// An agent-started email conversation with the same customer.
	newer, err := f.s.StartConversation(ctx, &desk.NewConversation{Channel: "email", Sender: "help@brand.example", CustomerID: cu.ID,
		QueueID: qa.ID, AssigneeID: &agent.ID, Tags: []string{"email"}, Topic: "Refund", Priority: desk.PriorityHigh, Message: &desk.Message{Text: "email reply"}})
	if err != nil {
		t.Fatal(err)
	}
	stranger := f.MustIngest("+15550999", "x1", "other person", qa.ID).Conversation
	hidden := f.MustIngest("+15550998", "x2", "hidden", f.MustQueue("C").ID).Conversation

	for _, tt := range []struct {
		name        string
		id, other   desk.ID
		code, field string
	}{
		{"different customers", newer.ID, stranger.ID, desk.CodeDifferentCustomers, "other_id"},
		{"with itself", newer.ID, newer.ID, desk.EINVALID, "other_id"},
		{"other not visible", newer.ID, hidden.ID, desk.EINVALID, "other_id"},
		{"current not visible", hidden.ID, newer.ID, desk.ENOTFOUND, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.mergeConversations(ctx, tt.id, tt.other)
			wantCode(t, err, tt.code)
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q", desk.ErrorField(err))
			}
		})
	}

	// Merge from the older one (the current): it survives with its ID,
	// queue, summary, topic and priority, both threads and both tags; the
	// newer one closes pointing at it and frees its agent.
	summary := "Parcel lost"
	if _, err := f.s.UpdateConversation(f.sys, older.ID, desk.ConversationUpdate{Summary: &summary}); err != nil {
		t.Fatal(err)
	}
	merged, err := f.mergeConversations(ctx, older.ID, newer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if merged.ID != older.ID || merged.QueueID != qb.ID || merged.Priority != desk.PriorityNormal || merged.Topic != "" || merged.Summary != summary ||
		merged.Status != desk.ConversationOpen || len(merged.Tags) != 2 || merged.AssigneeID != nil || merged.LastCustomerMessageAt == nil || merged.MergedIntoID != nil {
		t.Fatalf("merged: %+v", merged)
	}
	msgs, _, _ := f.s.FindMessages(ctx, merged.ID, desk.MessageFilter{})
	if len(msgs) != 2 || msgs[0].Text != "sms first" || msgs[1].Text != "email reply" {
		t.Fatalf("thread: %+v", msgs)
	}
	closed, _ := f.s.FindConversationByID(ctx, newer.ID)
	if closed.Status != desk.ConversationClosed || closed.MergedIntoID == nil || *closed.MergedIntoID != older.ID || closed.AssigneeID != nil {
		t.Fatalf("newer: %+v", closed)
	}
	if msgs, _, _ := f.s.FindMessages(ctx, newer.ID, desk.MessageFilter{}); len(msgs) != 0 {
		t.Fatalf("the closed one kept %d messages", len(msgs))
	}
	if a, _ := f.s.FindAgentByID(f.sys, agent.ID); a.Load != 0 {
		t.Fatalf("load = %d, want 0", a.Load)
	}
	for _, id := range []desk.ID{older.ID, newer.ID} {
		evs, _ := f.s.FindEvents(ctx, id)
		if evs[len(evs)-1].Type != desk.EventMerged {
			t.Fatalf("timeline of %s: %+v", id, evs)
		}
	}
	// Later messages from either address thread into the survivor.
	if r := f.MustIngest("+15550001", "s2", "again", 0); r.Conversation.ID != merged.ID {
		t.Fatalf("new sms went to %s, want %s", r.Conversation.ID, merged.ID)
	}
	_, err = f.mergeConversations(ctx, newer.ID, merged.ID)
	wantCode(t, err, "conversation_closed")
}

// testMergeKeepsCurrent: merging an older conversation into the newer
// one the agent is in keeps the newer one's assignee, topic and priority;
// the direction follows {id}, not age.
func testMergeKeepsCurrent(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID, qb.ID)
	ctx := f.as(agent)
	cu := &desk.Customer{Name: "Ann", Contacts: []desk.Contact{{Channel: "sms", Address: "+15550001"}, {Channel: "email", Address: "ann@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, cu); err != nil {
		t.Fatal(err)
	}
	older := f.MustIngest("+15550001", "s1", "sms first", qb.ID).Conversation
	newer, err := f.s.StartConversation(ctx, &desk.NewConversation{Channel: "email", Sender: "help@brand.example", CustomerID: cu.ID,
		QueueID: qa.ID, AssigneeID: &agent.ID, Topic: "Refund", Priority: desk.PriorityHigh, Message: &desk.Message{Text: "email reply"}})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := f.mergeConversations(ctx, newer.ID, older.ID)
	if err != nil {
		t.Fatal(err)
	}
	if merged.ID != newer.ID || merged.QueueID != qa.ID || merged.Topic != "Refund" || merged.Priority != desk.PriorityHigh ||
		merged.AssigneeID == nil || *merged.AssigneeID != agent.ID {
		t.Fatalf("merged: %+v", merged)
	}
	closed, _ := f.s.FindConversationByID(ctx, older.ID)
	if closed.Status != desk.ConversationClosed || closed.MergedIntoID == nil || *closed.MergedIntoID != newer.ID {
		t.Fatalf("older: %+v", closed)
	}
	if a, _ := f.s.FindAgentByID(f.sys, agent.ID); a.Load != 1 {
		t.Fatalf("load = %d, want 1", a.Load)
	}
}
