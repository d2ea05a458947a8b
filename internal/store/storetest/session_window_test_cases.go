package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSessionWindow: the store keeps, per WhatsApp contact, when they last
// wrote (D6), across conversations and whatever else the customer sends
// on other channels; channels without a window are not recorded.
func testSessionWindow(t *testing.T, open Opener) {
	f := newFixture(t, open)
	agent := f.MustAgent("a@example.com", desk.RoleAgent)
	ingest := func(channel, from, ext string) *desk.IngestResult {
		t.Helper()
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: channel, From: from, To: "15550400", Text: "hi", ExternalID: ext})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	last := func(channel, addr string) *time.Time {
		t.Helper()
		at, err := f.s.LastInboundAt(f.as(agent), channel, addr)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	if at := last(desk.ChannelWhatsApp, "15551110001"); at != nil {
		t.Fatalf("never wrote, yet %v", at)
	}
	t0 := f.clock.Now()
	first := ingest(desk.ChannelWhatsApp, "15551110001", "w1")
	f.clock.Add(30 * time.Hour)
	contacts := []desk.Contact{{Channel: desk.ChannelWhatsApp, Address: "15551110001"}, {Channel: desk.ChannelSMS, Address: "+15551110002"}}
	if _, err := f.s.UpdateCustomer(f.sys, first.Customer.ID, desk.CustomerUpdate{Contacts: &contacts}); err != nil {
		t.Fatal(err)
	}
	ingest(desk.ChannelSMS, "+15551110002", "s1")
	if at := last(desk.ChannelWhatsApp, "15551110001"); at == nil || !at.Equal(t0) {
		t.Fatalf("an SMS moved the WhatsApp window: %v, want %v", at, t0)
	}
	if at := last(desk.ChannelSMS, "+15551110002"); at != nil {
		t.Fatalf("SMS has no window, yet recorded %v", at)
	}
	// Another conversation (the first closed) still counts for the contact.
	closed := desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, first.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	t1 := f.clock.Now()
	second := ingest(desk.ChannelWhatsApp, "15551110001", "w2")
	if second.Conversation.ID == first.Conversation.ID {
		t.Fatal("a closed conversation took the message")
	}
	if at := last(desk.ChannelWhatsApp, "15551110001"); at == nil || !at.Equal(t1) {
		t.Fatalf("window %v, want %v", at, t1)
	}
	// A repeated (duplicate) delivery changes nothing.
	f.clock.Add(time.Hour)
	ingest(desk.ChannelWhatsApp, "15551110001", "w2")
	if at := last(desk.ChannelWhatsApp, "15551110001"); at == nil || !at.Equal(t1) {
		t.Fatalf("a duplicate moved the window: %v", at)
	}
	if !desk.SessionOpen(desk.CapabilitiesOf(desk.ChannelWhatsApp), last(desk.ChannelWhatsApp, "15551110001"), f.clock.Now()) {
		t.Fatal("one hour after the last message the window is open")
	}
}
