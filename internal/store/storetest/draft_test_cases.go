package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testDrafts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	me := f.MustAgent("me@example.com", desk.RoleAgent, qa.ID)
	other := f.MustAgent("o@example.com", desk.RoleAgent, qa.ID)
	outsider := f.MustAgent("x@example.com", desk.RoleAgent, qb.ID)
	c := f.MustIngest("+15550001", "d1", "hi", qa.ID).Conversation
	_, err := f.s.FindDraft(f.as(me), c.ID)
	wantCode(t, err, desk.ENOTFOUND)
	d := &desk.Draft{ConversationID: c.ID, Text: "Dear Ann", Subject: "Re: hi", CC: []string{"boss@example.com"}}
	if err := f.s.SaveDraft(f.as(me), d); err != nil {
		t.Fatal(err)
	}
	d.Text = "Dear Ann, thanks"
	if err := f.s.SaveDraft(f.as(me), d); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.FindDraft(f.as(me), c.ID)
	if err != nil || got.Text != "Dear Ann, thanks" || got.CC[0] != "boss@example.com" || got.AgentID != me.ID {
		t.Fatalf("draft: %v %+v", err, got)
	}
	// Per agent: a colleague has none; an outsider cannot reach it.
	_, err = f.s.FindDraft(f.as(other), c.ID)
	wantCode(t, err, desk.ENOTFOUND)
	wantCode(t, f.s.SaveDraft(f.as(outsider), &desk.Draft{ConversationID: c.ID, Text: "x"}), desk.ENOTFOUND)
	// Closing the conversation keeps the draft (never lost on close).
	closed := desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.as(me), c.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.FindDraft(f.as(me), c.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteDraft(f.as(me), c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.FindDraft(f.as(me), c.ID)
	wantCode(t, err, desk.ENOTFOUND)
}
