package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testConversationPreviews: list rows carry the newest message's start
// and whether the newest reply failed; a fetched row gets the same.
func testConversationPreviews(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	wa := f.MustChannel("15550200")
	quiet := f.MustIngest("+15550999", "q1", "no reply yet", 0).Conversation
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550200", Text: "hi", ExternalID: "wamid.p1"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Conversation
	row := func() (*desk.Conversation, *desk.Conversation) {
		t.Helper()
		items, _, err := f.s.FindConversations(f.as(a), desk.ConversationFilter{View: desk.ViewAll})
		if err != nil {
			t.Fatal(err)
		}
		var got, other *desk.Conversation
		for _, x := range items {
			switch x.ID {
			case c.ID:
				got = x
			case quiet.ID:
				other = x
			}
		}
		return got, other
	}
	reply := func(text string) *desk.Message {
		m := &desk.Message{ConversationID: c.ID, Text: text, Send: &desk.SendRequest{ChannelID: wa.ID}}
		if err := f.s.CreateMessage(f.as(a), m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	finish := func(result, reason string) {
		jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %d %v", len(jobs), err)
		}
		if err := cs.FinishSendJobs(f.sys, []desk.SendOutcome{{JobID: jobs[0].ID, MessageID: jobs[0].MessageID, Result: result, Reason: reason, ExternalID: "wamid.o" + jobs[0].MessageID.String()}}); err != nil {
			t.Fatal(err)
		}
	}

	long := strings.Repeat("é", desk.PreviewLength+10)
	reply(long)
	// A note is not a message: it never becomes the preview.
	if err := f.s.CreateMessage(f.as(a), &desk.Message{ConversationID: c.ID, Kind: desk.KindNote, Text: "internal"}); err != nil {
		t.Fatal(err)
	}
	got, other := row()
	if got.LastMessage == nil || got.LastMessage.Direction != desk.DirectionOut || got.LastMessage.Text != strings.Repeat("é", desk.PreviewLength)+"…" ||
		got.LastMessage.DeliveryState != desk.DeliveryQueued || got.LastOutFailed {
		t.Fatalf("queued reply: %+v %+v", got, got.LastMessage)
	}
	if other.LastMessage == nil || other.LastMessage.Text != "no reply yet" || other.LastMessage.Direction != desk.DirectionIn || other.LastOutFailed {
		t.Fatalf("inbound only: %+v", other.LastMessage)
	}
	changes := f.recordChanges()
	finish(desk.SendFailed, "recipient not on WhatsApp")
	// The failure is announced for the open thread and the row.
	if chs := changes(); len(chs) != 1 || chs[0].Type != desk.ChangeMessageUpdated || chs[0].ConversationID != c.ID || chs[0].QueueID != c.QueueID {
		t.Fatalf("changes after a failed send: %+v", chs)
	}
	if got, _ = row(); !got.LastOutFailed || got.LastMessage.DeliveryState != desk.DeliveryFailed {
		t.Fatalf("failed reply: %+v %+v", got, got.LastMessage)
	}
	// The customer writes again: the preview is theirs, the failure stays.
	if _, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550200", Text: "hello?", ExternalID: "wamid.p2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ = row(); got.LastMessage.Text != "hello?" || !got.LastOutFailed {
		t.Fatalf("after the customer's message: %+v %+v", got, got.LastMessage)
	}
	// A reply that goes out clears the marker.
	sent := reply("sent fine")
	finish(desk.SendSent, "")
	// A provider's receipt is announced too.
	before := len(changes())
	if _, err := cs.ApplyReceipt(f.sys, &desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: "wamid.o" + sent.ID.String(), State: desk.DeliveryDelivered}); err != nil {
		t.Fatal(err)
	}
	if chs := changes(); len(chs) <= before || chs[len(chs)-1].Type != desk.ChangeMessageUpdated || chs[len(chs)-1].MessageID != sent.ID {
		t.Fatalf("changes after a receipt: %+v", chs)
	}
	if got, _ = row(); got.LastOutFailed || got.LastMessage.Text != "sent fine" || got.LastMessage.DeliveryState != desk.DeliveryDelivered {
		t.Fatalf("after a sent reply: %+v %+v", got, got.LastMessage)
	}
	// A row fetched alone is filled the same way.
	one, err := f.s.FindConversationByID(f.as(a), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.FillPreviews(f.as(a), one); err != nil || one.LastMessage == nil || one.LastMessage.Text != "sent fine" {
		t.Fatalf("by ID: %+v %v", one.LastMessage, err)
	}
}
