package storetest

import (
	"strconv"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testMacroCompose covers the composer actions of a macro on an open
// conversation (E2): the body (and an email's subject) go into the
// agent's reply draft and the sender changes the conversation's sender
// under E4's rules, in the macro's one transaction with its one event;
// the preview shows them and writes nothing.
func testMacroCompose(t *testing.T, open Opener) {
	f := newFixture(t, open)
	free, branded := f.MustQueue("Free"), f.MustQueue("Branded")
	f.MustChannel("15550400")
	f.MustChannel("15550401")
	if _, err := f.s.UpdateQueue(f.sys, branded.ID, desk.QueueUpdate{DefaultSenders: &map[string]string{desk.ChannelWhatsApp: "15550400"}}); err != nil {
		t.Fatal(err)
	}
	agent := f.MustAgent("a@example.com", desk.RoleAgent, free.ID, branded.ID)
	ctx, sup := f.as(agent), f.as(f.MustAgent("sup@example.com", desk.RoleSupervisor))
	form := f.MustForm("Wrap", desk.FormField{Name: "reason", Type: "text", Required: true})
	mk := func(name string, a desk.MacroActions) *desk.Macro {
		t.Helper()
		m := &desk.Macro{Name: name, Actions: a}
		if err := f.s.CreateMacro(sup, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	brand := mk("Brand reply", desk.MacroActions{Sender: ptr("15550400"), Body: ptr("Hello from the brand")})
	ghost := mk("Unknown sender", desk.MacroActions{Sender: ptr("19999999"), Body: ptr("x")})
	wrongForQueue := mk("Move, wrong sender", desk.MacroActions{QueueID: &branded.ID, Sender: ptr("15550401")})
	move := mk("Move to Branded", desk.MacroActions{QueueID: &branded.ID, Sender: ptr("15550400")})
	solveNoForm := mk("Solve with body", desk.MacroActions{Body: ptr("Solved!"), FormID: &form.ID, Status: ptr(desk.ConversationSolved)})
	refund := mk("Refund email", desk.MacroActions{Subject: ptr("Your refund"), Body: ptr("The refund is on its way.")})

	senders := 0
	ingest := func(ext string) *desk.Conversation {
		t.Helper()
		senders++ // WhatsApp senders are numbers
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "1555" + strconv.Itoa(1000+senders), To: "15550401", Text: "hi", ExternalID: ext, QueueID: free.ID})
		if err != nil {
			t.Fatal(err)
		}
		return res.Conversation
	}
	events := func(id desk.ID) int {
		evs, err := f.s.FindEvents(f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	hasChange := func(res *desk.MacroResult, field string, to any) bool {
		for _, ch := range res.Changes {
			if ch.Field == field && ch.To == to {
				return true
			}
		}
		return false
	}

	c := ingest("0001")
	if err := f.s.SaveDraft(ctx, &desk.Draft{ConversationID: c.ID, Text: "my own words", CC: []string{}}); err != nil {
		t.Fatal(err)
	}
	t.Run("preview shows the sender and the draft, writes nothing", func(t *testing.T) {
		n := events(c.ID)
		pre, err := f.applyMacro(ctx, c.ID, brand.ID, true)
		if err != nil || !hasChange(pre, "sender_address", "+15550400") || !hasChange(pre, "draft.text", "Hello from the brand") ||
			pre.Conversation.SenderAddress != "+15550400" || pre.Draft == nil || pre.Draft.Text != "Hello from the brand" {
			t.Fatalf("preview: %+v %v", pre, err)
		}
		got, _ := f.s.FindConversationByID(ctx, c.ID)
		d, _ := f.s.FindDraft(ctx, c.ID)
		if got.SenderAddress != "+15550401" || d.Text != "my own words" || events(c.ID) != n {
			t.Fatalf("preview wrote: sender %s, draft %q", got.SenderAddress, d.Text)
		}
	})
	t.Run("apply: sender, reply draft and one event together", func(t *testing.T) {
		n := events(c.ID)
		res, err := f.applyMacro(ctx, c.ID, brand.ID, false)
		if err != nil || res.Conversation.SenderAddress != "+15550400" {
			t.Fatalf("apply: %+v %v", res, err)
		}
		d, err := f.s.FindDraft(ctx, c.ID)
		if err != nil || d.Text != "Hello from the brand" || d.AgentID != agent.ID {
			t.Fatalf("reply draft: %+v %v", d, err)
		}
		evs, _ := f.s.FindEvents(f.sys, c.ID)
		if len(evs) != n+1 || evs[n].Type != desk.EventMacroApplied || evs[n].Data["macro_name"] != "Brand reply" {
			t.Fatalf("events: %+v", evs[n:])
		}
		fields := map[string]bool{}
		for _, ch := range evs[n].Data["changes"].([]any) {
			fields[ch.(map[string]any)["field"].(string)] = true
		}
		if !fields["sender_address"] || !fields["draft.text"] {
			t.Fatalf("the event does not list the sender and the draft: %+v", evs[n].Data)
		}
	})
	for _, tt := range []struct {
		name  string
		macro *desk.Macro
		code  string
		field string
	}{
		{"a sender no channel has", ghost, "unknown_sender", "actions.sender"},
		{"another sender than the queue's default (E4)", wrongForQueue, "sender_not_allowed", "actions.sender"},
		{"a required form field missing rolls the draft back", solveNoForm, desk.CodeFormIncomplete, "form_values"},
	} {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			c := ingest(tt.code[:4])
			if err := f.s.SaveDraft(ctx, &desk.Draft{ConversationID: c.ID, Text: "keep me"}); err != nil {
				t.Fatal(err)
			}
			n := events(c.ID)
			_, err := f.applyMacro(ctx, c.ID, tt.macro.ID, false)
			wantCode(t, err, tt.code)
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q, want %q", desk.ErrorField(err), tt.field)
			}
			got, _ := f.s.FindConversationByID(ctx, c.ID)
			d, _ := f.s.FindDraft(ctx, c.ID)
			if got.SenderAddress != "+15550401" || got.QueueID != free.ID || got.Status != desk.ConversationOpen || d.Text != "keep me" || events(c.ID) != n {
				t.Fatalf("a refused macro changed something: %+v, draft %q", got, d.Text)
			}
		})
	}
	t.Run("the queue's default sender is accepted", func(t *testing.T) {
		c := ingest("0002")
		res, err := f.applyMacro(ctx, c.ID, move.ID, false)
		if err != nil || res.Conversation.QueueID != branded.ID || res.Conversation.SenderAddress != "+15550400" || res.Draft != nil {
			t.Fatalf("move: %+v %v", res, err)
		}
		if _, err := f.s.FindDraft(ctx, c.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Fatalf("a macro without body made a draft: %v", err)
		}
	})
	t.Run("email: the subject goes into the reply draft too", func(t *testing.T) {
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelEmail, From: "ann@example.com", To: "support@example.com",
			Text: "refund?", ExternalID: "e1", QueueID: free.ID})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.applyMacro(ctx, res.Conversation.ID, refund.ID, false)
		if err != nil || got.Conversation.Subject != "Your refund" || !hasChange(got, "draft.subject", "Your refund") {
			t.Fatalf("apply: %+v %v", got, err)
		}
		d, err := f.s.FindDraft(ctx, res.Conversation.ID)
		if err != nil || d.Subject != "Your refund" || d.Text != "The refund is on its way." {
			t.Fatalf("draft: %+v %v", d, err)
		}
	})
}
