package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testInternalConversations(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	me := f.MustAgent("me@example.com", desk.RoleAgent, qa.ID)
	expert := f.MustAgent("ex@example.com", desk.RoleAgent, qb.ID)
	wa := f.MustChannel("15550200")
	ctx := f.as(me)
	customerConv := f.MustIngest("+15550001", "c1", "help", qa.ID).Conversation
	hidden := f.MustIngest("+15550002", "c2", "hidden", qb.ID).Conversation

	for _, tt := range []struct {
		name  string
		n     desk.NewInternalConversation
		field string
	}{
		{"no topic", desk.NewInternalConversation{QueueID: qb.ID, Text: "x"}, "topic"},
		{"no text", desk.NewInternalConversation{Topic: "t", QueueID: qb.ID}, "text"},
		{"no queue", desk.NewInternalConversation{Topic: "t", Text: "x"}, "queue_id"},
		{"unknown queue", desk.NewInternalConversation{Topic: "t", QueueID: 99999, Text: "x"}, "queue_id"},
		{"assignee outside the queue", desk.NewInternalConversation{Topic: "t", QueueID: qb.ID, Text: "x", AssigneeID: &me.ID}, "assignee_id"},
		{"link not visible", desk.NewInternalConversation{Topic: "t", QueueID: qa.ID, Text: "x", LinkedConversationID: &hidden.ID}, "linked_conversation_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.s.CreateInternalConversation(ctx, &tt.n)
			wantCode(t, err, desk.EINVALID)
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q (%v)", desk.ErrorField(err), err)
			}
		})
	}
	changes := f.recordChanges()
	c, m, err := f.s.CreateInternalConversation(ctx, &desk.NewInternalConversation{Topic: "Refund policy?", QueueID: qa.ID,
		LinkedConversationID: &customerConv.ID, Text: "Can we refund after 30 days?"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Channel != desk.ChannelInternal || c.CustomerID != 0 || c.LinkedConversationID == nil || *c.LinkedConversationID != customerConv.ID ||
		c.Topic != "Refund policy?" || c.Status != desk.ConversationOpen || c.LastMessageAt == nil {
		t.Fatalf("internal conversation: %+v", c)
	}
	if m.DeliveryState != "" || m.AuthorID == nil || *m.AuthorID != me.ID {
		t.Fatalf("first message: %+v", m)
	}
	if got := changes(); len(got) != 2 || got[0].Type != desk.ChangeConversationCreated || got[1].Type != desk.ChangeMessageCreated {
		t.Fatalf("changes: %+v", got)
	}
	// Assignable to an agent of another queue via a transfer to it.
	if _, err := f.s.TransferConversation(f.sys, c.ID, desk.Transfer{QueueID: &qb.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AssignConversation(f.as(expert), c.ID, expert.ID); err != nil {
		t.Fatal(err)
	}
	// A reply, even one asking to be sent, is never queued nor sent.
	r := &desk.Message{ConversationID: c.ID, Text: "Yes, with approval", Send: &desk.SendRequest{ChannelID: wa.ID}}
	if err := f.s.CreateMessage(f.as(expert), r); err != nil {
		t.Fatal(err)
	}
	if r.DeliveryState != "" {
		t.Fatalf("reply: %+v", r)
	}
	if jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute); err != nil || len(jobs) != 0 {
		t.Fatalf("send jobs for an internal conversation: %v %v", jobs, err)
	}
	if msgs, _, _ := f.s.FindMessages(f.as(expert), c.ID, desk.MessageFilter{}); len(msgs) != 2 {
		t.Fatalf("thread: %+v", msgs)
	}
	// The opener keeps seeing it in the other queue, and replies there.
	if _, err = f.s.FindConversationByID(ctx, c.ID); err != nil {
		t.Fatalf("the opener lost it: %v", err)
	}
	if err := f.s.CreateMessage(ctx, &desk.Message{ConversationID: c.ID, Text: "Thanks"}); err != nil {
		t.Fatal(err)
	}
	// Another agent of A does not, and the expert of B does not get the
	// linked customer conversation through the link.
	colleague := f.MustAgent("col@example.com", desk.RoleAgent, qa.ID)
	_, err = f.s.FindConversationByID(f.as(colleague), c.ID)
	wantCode(t, err, desk.ENOTFOUND)
	_, err = f.s.FindConversationByID(f.as(expert), customerConv.ID)
	wantCode(t, err, desk.ENOTFOUND)

	// C9's purpose: ask queue B directly, assigned to its expert at once;
	// listed in the opener's All Work and the expert's My Work.
	asked, _, err := f.s.CreateInternalConversation(ctx, &desk.NewInternalConversation{Topic: "VAT on refunds?", QueueID: qb.ID,
		AssigneeID: &expert.ID, LinkedConversationID: &customerConv.ID, Text: "Does VAT come back too?"})
	if err != nil {
		t.Fatalf("asking another queue: %v", err)
	}
	if asked.QueueID != qb.ID || asked.AssigneeID == nil || *asked.AssigneeID != expert.ID {
		t.Fatalf("asked: %+v", asked)
	}
	has := func(as *desk.Agent, view string) bool {
		list, _, err := f.s.FindConversations(f.as(as), desk.ConversationFilter{View: view})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.ID == asked.ID {
				return true
			}
		}
		return false
	}
	if !has(me, "all") || !has(expert, "mine") || has(colleague, "all") {
		t.Fatalf("lists: opener %v expert %v colleague %v", has(me, "all"), has(expert, "mine"), has(colleague, "all"))
	}
}
