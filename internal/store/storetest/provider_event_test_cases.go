package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testProviderEvents: watermarks, reactions, echoes, opt-outs and number
// changes (issue 17).
func testProviderEvents(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	ch := &desk.ChannelConfig{Kind: desk.ChannelMessenger, Provider: "messenger", Name: "Page", Sender: "PAGE1",
		Secrets: map[string]string{"app_secret": "s3cr3t-app-secret-value"}}
	if err := cs.CreateChannel(f.sys, ch); err != nil {
		t.Fatal(err)
	}
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelMessenger, From: "PSID1", To: "PAGE1", Text: "hi", ExternalID: "m_in1"})
	if err != nil {
		t.Fatal(err)
	}
	conv := res.Conversation
	// Three replies, sent one minute apart; a watermark between the second
	// and the third moves the first two only.
	var outs []*desk.Message
	for i, ext := range []string{"m_out1", "m_out2", "m_out3"} {
		f.clock.Add(time.Minute)
		m := &desk.Message{ConversationID: conv.ID, Text: "reply " + ext, Send: &desk.SendRequest{ChannelID: ch.ID}}
		if err := f.s.CreateMessage(f.as(a), m); err != nil {
			t.Fatal(err)
		}
		jobs, err := cs.ClaimSendJobs(f.sys, 1, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim %d: %v", i, err)
		}
		if err := cs.FinishSendJobs(f.sys, []desk.SendOutcome{{JobID: jobs[0].ID, MessageID: m.ID, Result: desk.SendSent, ExternalID: ext}}); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, m)
	}
	state := func() []string {
		msgs, _, err := f.s.FindMessages(f.sys, conv.ID, desk.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var st []string
		for _, m := range msgs {
			if m.Direction == desk.DirectionOut {
				st = append(st, m.DeliveryState)
			}
		}
		return st
	}
	watermark := outs[1].CreatedAt
	_, err = cs.ApplyWatermark(f.as(a), &desk.Receipt{Channel: desk.ChannelMessenger, State: desk.DeliverySeen, To: "PSID1", At: watermark, Watermark: true})
	wantCode(t, err, "forbidden")
	n, err := cs.ApplyWatermark(f.sys, &desk.Receipt{Channel: desk.ChannelMessenger, State: desk.DeliverySeen, To: "PSID1", At: watermark, Watermark: true})
	if got := state(); err != nil || n != 2 || got[0] != desk.DeliverySeen || got[1] != desk.DeliverySeen || got[2] != desk.DeliverySent {
		t.Fatalf("after read watermark: %d %v %v", n, got, err)
	}
	// A later delivery watermark does not move seen messages back.
	n, err = cs.ApplyWatermark(f.sys, &desk.Receipt{Channel: desk.ChannelMessenger, State: desk.DeliveryDelivered, To: "PSID1", At: f.clock.Now(), Watermark: true})
	if got := state(); err != nil || n != 1 || got[0] != desk.DeliverySeen || got[2] != desk.DeliveryDelivered {
		t.Fatalf("after delivery watermark: %d %v %v", n, got, err)
	}

	// A reaction shows on the message; a second replaces it; empty removes.
	for _, emoji := range []string{"👍", "❤️"} {
		if _, err := cs.ApplyReaction(f.sys, &desk.Reaction{Channel: desk.ChannelMessenger, From: "PSID1", ExternalID: "m_out1", Emoji: emoji}); err != nil {
			t.Fatal(err)
		}
	}
	msgs, _, _ := f.s.FindMessages(f.sys, conv.ID, desk.MessageFilter{})
	if r := msgs[1].Reactions; msgs[1].ID != outs[0].ID || len(r) != 1 || r[0].Emoji != "❤️" || r[0].From != "PSID1" {
		t.Fatalf("reactions = %+v on %d", r, msgs[1].ID)
	}
	_, err = cs.ApplyReaction(f.sys, &desk.Reaction{Channel: desk.ChannelMessenger, From: "PSID1", ExternalID: "nope", Emoji: "x"})
	wantCode(t, err, "not_found")
	if _, err := cs.ApplyReaction(f.sys, &desk.Reaction{Channel: desk.ChannelMessenger, From: "PSID1", ExternalID: "m_out1"}); err != nil {
		t.Fatal(err)
	}
	if msgs, _, _ = f.s.FindMessages(f.sys, conv.ID, desk.MessageFilter{}); len(msgs[1].Reactions) != 0 {
		t.Fatalf("reaction not removed: %+v", msgs[1].Reactions)
	}

	// An echo is stored once, as outbound; the echo of our own send is
	// recognised by its ID.
	echo := &desk.InboundMessage{Channel: desk.ChannelMessenger, From: "PSID1", To: "PAGE1", Text: "sent from the Page inbox", ExternalID: "m_echo1"}
	for range 2 {
		m, err := cs.StoreEcho(f.sys, echo)
		if err != nil || m.Direction != desk.DirectionOut || m.ConversationID != conv.ID || m.To != "PSID1" {
			t.Fatalf("echo: %+v %v", m, err)
		}
	}
	if m, err := cs.StoreEcho(f.sys, &desk.InboundMessage{Channel: desk.ChannelMessenger, From: "PSID1", To: "PAGE1", Text: "reply m_out1", ExternalID: "m_out1"}); err != nil || m.ID != outs[0].ID {
		t.Fatalf("echo of our own send: %+v %v", m, err)
	}
	if msgs, _, _ = f.s.FindMessages(f.sys, conv.ID, desk.MessageFilter{}); len(msgs) != 5 || msgs[4].Text != "sent from the Page inbox" {
		t.Fatalf("thread after echoes: %d messages", len(msgs))
	}
	_, err = cs.StoreEcho(f.sys, &desk.InboundMessage{Channel: desk.ChannelMessenger, From: "STRANGER", To: "PAGE1", Text: "x", ExternalID: "m_echo2"})
	wantCode(t, err, "not_found")

	// Opt-outs.
	_, err = cs.FindOptOut(f.sys, desk.ChannelSMS, "+15550001111")
	wantCode(t, err, "not_found")
	if err := cs.SetOptOut(f.as(a), desk.ChannelSMS, "+15550001111", true, "x"); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent set an opt-out: %v", err)
	}
	if err := cs.SetOptOut(f.sys, desk.ChannelSMS, "+1 555 000 1111", true, "keyword STOP"); err != nil {
		t.Fatal(err)
	}
	if o, err := cs.FindOptOut(f.as(a), desk.ChannelSMS, "+15550001111"); err != nil || o.Reason != "keyword STOP" {
		t.Fatalf("opt-out = %+v %v", o, err)
	}
	if err := cs.SetOptOut(f.sys, desk.ChannelSMS, "+15550001111", false, "keyword START"); err != nil {
		t.Fatal(err)
	}
	_, err = cs.FindOptOut(f.sys, desk.ChannelSMS, "+15550001111")
	wantCode(t, err, "not_found")

	// A number change moves the contact and the open conversation.
	wa, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "16505551234", To: "15550783881", Text: "hi", ExternalID: "wamid.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.ChangeContactAddress(f.sys, desk.ChannelWhatsApp, "16505551234", "12195555358"); err != nil {
		t.Fatal(err)
	}
	next, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "12195555358", To: "15550783881", Text: "new phone", ExternalID: "wamid.2"})
	if err != nil || next.Customer.ID != wa.Customer.ID || next.Conversation.ID != wa.Conversation.ID || next.Conversation.ContactAddress != "+12195555358" {
		t.Fatalf("after the number change: %+v %v", next, err)
	}
	wantCode(t, cs.ChangeContactAddress(f.sys, desk.ChannelWhatsApp, "19999999999", "18888888888"), "not_found")
}
