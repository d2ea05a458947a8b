package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testTextRule: NUL, other control characters and invalid UTF-8 in an
// inbound message, a reply and a note are handled by the domain's one
// text rule — stripped (invalid bytes replaced) — so both stores store the
// same text and neither fails.
func testTextRule(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550001", Name: "Ann\x00 \x1bLee",
		Text: "he\x00llo\x07 wor\x7fld\ttab\nline \xff end", ExternalID: "nul\x00-1"})
	if err != nil {
		t.Fatalf("ingest with NUL: %v", err)
	}
	if got := res.Message.Text; got != "hello world\ttab\nline \uFFFD end" {
		t.Fatalf("inbound text %q", got)
	}
	// The same external ID, cleaned the same way, is the same message.
	again, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550001", Text: "x", ExternalID: "nul-1"})
	if err != nil || !again.Duplicate {
		t.Fatalf("repeat after cleaning: %+v %v", again, err)
	}
	c := res.Conversation
	for _, m := range []*desk.Message{
		{ConversationID: c.ID, Kind: desk.KindNote, Text: "note\x00 here"},
		{ConversationID: c.ID, Kind: desk.KindMessage, Text: "reply\x00\x01 here"},
	} {
		if err := f.s.CreateMessage(f.as(a), m); err != nil {
			t.Fatalf("%s with NUL: %v", m.Kind, err)
		}
	}
	thread, _, err := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{})
	if err != nil || len(thread) != 3 || thread[1].Text != "note here" || thread[2].Text != "reply here" {
		t.Fatalf("thread: %+v %v", thread, err)
	}
}
