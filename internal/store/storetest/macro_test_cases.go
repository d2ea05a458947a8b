package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func ptr[T any](v T) *T { return &v }

func testMacros(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID, qb.ID)
	outsider := f.MustAgent("o@example.com", desk.RoleAgent, qa.ID)
	sup := f.as(f.MustAgent("sup@example.com", desk.RoleSupervisor))
	escalate := &desk.Macro{Name: "Escalate to B", Tags: []string{"Billing"}, Actions: desk.MacroActions{
		QueueID: &qb.ID, AssigneeID: &agent.ID, Priority: ptr(desk.PriorityUrgent), Tags: []string{"escalated"},
		Subject: ptr("Escalation"), Body: ptr("We are on it."), Status: ptr(desk.ConversationWaiting)}}
	solve := &desk.Macro{Name: "Solve", Tags: []string{"closing"}, Actions: desk.MacroActions{Status: ptr(desk.ConversationSolved)}}
	promo := &desk.Macro{Name: "Promo SMS", Actions: desk.MacroActions{To: map[string]string{"sms": "+1 (555) 0100"}}}
	bad := &desk.Macro{Name: "Give to outsider", Actions: desk.MacroActions{QueueID: &qb.ID, AssigneeID: &outsider.ID}}
	for _, m := range []*desk.Macro{escalate, solve, promo, bad} {
		if err := f.s.CreateMacro(sup, m); err != nil {
			t.Fatal(err)
		}
	}
	if promo.Actions.To["sms"] != "+15550100" {
		t.Fatalf("To not normalized: %v", promo.Actions.To)
	}
	wantCode(t, f.s.CreateMacro(sup, &desk.Macro{Name: "x", Actions: desk.MacroActions{Status: ptr("done")}}), desk.EINVALID)

	// List, search and filter by tag or by the channel they set To for.
	for _, tt := range []struct {
		f    desk.MacroFilter
		want int
	}{{desk.MacroFilter{}, 4}, {desk.MacroFilter{Query: "esc"}, 1}, {desk.MacroFilter{Tag: "billing"}, 1}, {desk.MacroFilter{ToChannel: "sms"}, 1}, {desk.MacroFilter{ToChannel: "email"}, 0}} {
		got, _, err := f.s.FindMacros(f.as(agent), tt.f)
		if err != nil || len(got) != tt.want {
			t.Fatalf("FindMacros(%+v) = %d, %v; want %d", tt.f, len(got), err, tt.want)
		}
	}

	conv := f.MustIngest("+15550001", "m1", "help", qa.ID).Conversation
	ctx := f.as(agent)
	// Preview changes nothing.
	pre, err := f.applyMacro(ctx, conv.ID, escalate.ID, true)
	if err != nil || pre.Conversation.QueueID != qb.ID || len(pre.Changes) != 7 || *pre.Composer.Body != "We are on it." || pre.Draft == nil || pre.Draft.Text != "We are on it." {
		t.Fatalf("preview: %+v %v", pre, err)
	}
	if same, _ := f.s.FindConversationByID(f.sys, conv.ID); same.QueueID != qa.ID || same.Priority != desk.PriorityNormal {
		t.Fatalf("preview changed the conversation: %+v", same)
	}
	// Apply: all actions, one event, the load recounted.
	res, err := f.applyMacro(ctx, conv.ID, escalate.ID, false)
	c := res.Conversation
	if err != nil || c.QueueID != qb.ID || c.AssigneeID == nil || *c.AssigneeID != agent.ID || c.Priority != desk.PriorityUrgent ||
		c.Status != desk.ConversationWaiting || c.Subject != "Escalation" || len(c.Tags) != 1 || c.Tags[0] != "escalated" {
		t.Fatalf("applied: %+v %v", c, err)
	}
	if a, _ := f.s.FindAgentByID(f.sys, agent.ID); a.Load != 1 {
		t.Fatalf("load = %d, want 1", a.Load)
	}
	evs, _ := f.s.FindEvents(f.sys, conv.ID)
	last := evs[len(evs)-1]
	if last.Type != desk.EventMacroApplied || last.Data["macro_name"] != "Escalate to B" || len(evs) != 2 {
		t.Fatalf("timeline: %+v", evs)
	}
	// A macro that solves frees the agent, who may still edit (reopen).
	if _, err := f.applyMacro(ctx, conv.ID, solve.ID, false); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.s.FindAgentByID(f.sys, agent.ID); a.Load != 0 {
		t.Fatalf("load after solve = %d, want 0", a.Load)
	}
	if _, err := f.s.UpdateConversation(ctx, conv.ID, desk.ConversationUpdate{Status: ptr(desk.ConversationOpen)}); err != nil {
		t.Fatalf("edit after a solving macro: %v", err)
	}

	other := f.MustIngest("+15550002", "m2", "hi", qa.ID).Conversation
	closed := f.MustIngest("+15550003", "m3", "hi", qa.ID).Conversation
	if _, err := f.s.UpdateConversation(f.sys, closed.ID, desk.ConversationUpdate{Status: ptr(desk.ConversationClosed)}); err != nil {
		t.Fatal(err)
	}
	hidden := f.MustIngest("+15550004", "m4", "hi", f.MustQueue("C").ID).Conversation
	for _, tt := range []struct {
		name        string
		conv, macro desk.ID
		code, field string
	}{
		{"closed conversation", closed.ID, solve.ID, "conversation_closed", ""},
		{"assignee outside the queue", other.ID, bad.ID, desk.EINVALID, "actions.assignee_id"},
		{"conversation not visible", hidden.ID, solve.ID, desk.ENOTFOUND, ""},
		{"unknown macro", other.ID, 99999, desk.ENOTFOUND, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.applyMacro(ctx, tt.conv, tt.macro, false)
			wantCode(t, err, tt.code)
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q", desk.ErrorField(err))
			}
		})
	}
	if evs, _ := f.s.FindEvents(f.sys, other.ID); len(evs) != 1 {
		t.Fatalf("a refused macro left events: %+v", evs)
	}
	if err := f.s.DeleteMacro(sup, promo.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.DeleteMacro(sup, promo.ID), desk.ENOTFOUND)
}
