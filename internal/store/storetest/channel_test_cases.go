package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// channels returns the store's channel services.
func (f *fixture) channels() desk.ChannelStore { return f.s }

// MustChannel creates a WhatsApp channel sending from sender.
func (f *fixture) MustChannel(sender string) *desk.ChannelConfig {
	f.t.Helper()
	c := &desk.ChannelConfig{Kind: desk.ChannelWhatsApp, Provider: "whatsapp", Name: "WA " + sender, Sender: sender,
		Settings: map[string]string{"phone_number_id": "123"}, Secrets: map[string]string{"app_secret": "s3cr3t-app-secret-value"}}
	if err := f.channels().CreateChannel(f.sys, c); err != nil {
		f.t.Fatalf("create channel: %v", err)
	}
	return c
}

func testChannels(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	agent := f.MustAgent("a@example.com", desk.RoleAgent)
	q := f.MustQueue("Sales")

	wantCode(t, cs.CreateChannel(f.as(admin), &desk.ChannelConfig{Kind: "pigeon", Provider: "twilio", Name: "x"}), desk.EINVALID)
	bad := desk.ID(9999)
	wantCode(t, cs.CreateChannel(f.as(admin), &desk.ChannelConfig{Kind: "sms", Provider: "twilio", Name: "x", QueueID: &bad}), desk.EINVALID)
	sms := &desk.ChannelConfig{Kind: "sms", Provider: "twilio", Name: " SMS ", Sender: "+15550100", QueueID: &q.ID,
		Settings: map[string]string{"account_sid": "AC1"}, Secrets: map[string]string{"auth_token": "0123456789abcdef0123"}}
	if err := cs.CreateChannel(f.as(admin), sms); err != nil {
		t.Fatal(err)
	}
	wa := f.MustChannel("15550200")
	got, err := cs.FindChannelByID(f.as(admin), sms.ID)
	if err != nil || got.Name != "SMS" || got.Secrets["auth_token"] != "0123456789abcdef0123" || *got.QueueID != q.ID {
		t.Fatalf("find channel: %+v %v", got, err)
	}
	if m := got.MaskedSecrets()["auth_token"]; m != "****0123" {
		t.Fatalf("masked secret = %q", m)
	}
	name := "SMS US"
	upd, err := cs.UpdateChannel(f.as(admin), sms.ID, desk.ChannelUpdate{Name: &name, Secrets: map[string]string{"auth_token": "", "api_key": "k"}})
	if err != nil || upd.Name != name || upd.Secrets["auth_token"] != "" || upd.Secrets["api_key"] != "k" {
		t.Fatalf("update: %+v %v", upd, err)
	}
	if c, err := cs.FindChannelBySender(f.sys, "whatsapp", "nobody"); err != nil || c.ID != wa.ID {
		t.Fatalf("fallback by kind: %v %v", c, err)
	}
	_, err = cs.FindChannelBySender(f.sys, "viber", "x")
	wantCode(t, err, desk.ENOTFOUND)
	all, _ := cs.FindChannels(f.as(admin))
	if len(all) != 2 {
		t.Fatalf("%d channels", len(all))
	}
	// Any agent sees what can send, never settings or secrets.
	sum, err := cs.FindChannelSummaries(f.as(agent))
	if err != nil || len(sum) != 2 || sum[0].ID != sms.ID || sum[0].Kind != "sms" || sum[0].Sender != "+15550100" || sum[0].Name != name ||
		sum[0].QueueID == nil || *sum[0].QueueID != q.ID || sum[0].Settings != nil || sum[0].Secrets != nil || sum[1].Kind != desk.ChannelWhatsApp {
		t.Fatalf("summaries: %+v %v", sum, err)
	}
	_, err = cs.FindChannelSummaries(context.Background())
	wantCode(t, err, desk.EUNAUTHENTICATED)

	for i := 0; i < 3; i++ {
		d := &desk.DeadLetter{ChannelID: wa.ID, Provider: "whatsapp", Reason: "malformed", Body: "{bad\x00\xff", Header: map[string]string{"Content-Type": "application/json"}}
		if err := cs.CreateDeadLetter(f.sys, d); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, cs.CreateDeadLetter(f.as(admin), &desk.DeadLetter{}), desk.EFORBIDDEN)
	page, next, err := cs.FindDeadLetters(f.as(admin), desk.DeadLetterFilter{ChannelID: &wa.ID, Limit: 2})
	if err != nil || len(page) != 2 || next == "" || page[0].ID < page[1].ID || page[0].Body != "{bad\uFFFD" {
		t.Fatalf("dead letters: %+v %q %v", page, next, err)
	}

	if err := cs.DeleteChannel(f.as(admin), sms.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, cs.DeleteChannel(f.as(admin), sms.ID), desk.ENOTFOUND)
}

func testOutbox(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	wa := f.MustChannel("15550200")
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550200", Text: "hi", ExternalID: "wamid.in1"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Conversation
	tpl := &desk.TemplateCall{Name: "hello", Language: "en_US", Variables: []string{"Ann"}}
	m1 := &desk.Message{ConversationID: c.ID, Text: "one", Send: &desk.SendRequest{ChannelID: wa.ID}}
	m2 := &desk.Message{ConversationID: c.ID, Type: desk.TypeTemplate, Text: "hello Ann", Send: &desk.SendRequest{ChannelID: wa.ID, Template: tpl}}
	for _, m := range []*desk.Message{m1, m2} {
		if err := f.s.CreateMessage(f.as(a), m); err != nil {
			t.Fatal(err)
		}
	}
	missing := &desk.Message{ConversationID: c.ID, Text: "x", Send: &desk.SendRequest{ChannelID: 999}}
	wantCode(t, f.s.CreateMessage(f.as(a), missing), desk.EINVALID)
	_, err = cs.ClaimSendJobs(f.as(a), 10, time.Minute)
	wantCode(t, err, desk.EFORBIDDEN)

	jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claim: %d jobs, %v", len(jobs), err)
	}
	j1, j2 := jobs[0], jobs[1]
	if j1.MessageID != m1.ID || j1.Message.To != "+15551234" || j1.Message.From != "+15550200" || j1.Message.Text != "one" ||
		j1.Message.IdempotencyKey == "" || j1.Attempts != 1 || j2.Message.Template == nil || j2.Message.Template.Variables[0] != "Ann" {
		t.Fatalf("jobs: %+v %+v", j1, j2)
	}
	if again, _ := cs.ClaimSendJobs(f.sys, 10, time.Minute); len(again) != 0 {
		t.Fatalf("leased jobs claimed twice: %d", len(again))
	}
	// The worker holding j2 dies: after the lease, j2 comes back with its key.
	f.clock.Add(2 * time.Minute)
	if err := cs.FinishSendJobs(f.sys, []desk.SendOutcome{{JobID: j1.ID, MessageID: j1.MessageID, Result: desk.SendSent, ExternalID: "wamid.out1"}}); err != nil {
		t.Fatal(err)
	}
	again, _ := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if len(again) != 1 || again[0].ID != j2.ID || again[0].Message.IdempotencyKey != j2.Message.IdempotencyKey || again[0].Attempts != 2 {
		t.Fatalf("reclaim: %+v", again)
	}
	retryAt := f.clock.Now().Add(time.Hour)
	cs.FinishSendJobs(f.sys, []desk.SendOutcome{{JobID: j2.ID, MessageID: j2.MessageID, Result: desk.SendRetry, Reason: "503", NextAttemptAt: retryAt}})
	if got, _ := cs.ClaimSendJobs(f.sys, 10, time.Minute); len(got) != 0 {
		t.Fatalf("retry claimed before its time")
	}
	f.clock.Add(61 * time.Minute)
	got, _ := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if len(got) != 1 {
		t.Fatalf("retry not claimed after its time")
	}
	cs.FinishSendJobs(f.sys, []desk.SendOutcome{{JobID: j2.ID, MessageID: j2.MessageID, Result: desk.SendFailed, Reason: "template not approved"}})

	thread, _, _ := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{})
	if s1, s2 := thread[1], thread[2]; s1.DeliveryState != desk.DeliverySent || s1.ExternalID != "wamid.out1" ||
		s2.DeliveryState != desk.DeliveryFailed || s2.FailureReason != "template not approved" {
		t.Fatalf("after sends: %+v / %+v", s1, s2)
	}

	// Receipts only move forward.
	steps := []struct{ state, want string }{
		{desk.DeliverySeen, desk.DeliverySeen},
		{desk.DeliveryDelivered, desk.DeliverySeen},
		{desk.DeliveryFailed, desk.DeliverySeen},
	}
	for _, st := range steps {
		m, err := cs.ApplyReceipt(f.sys, &desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: "wamid.out1", State: st.state})
		if err != nil || m.DeliveryState != st.want {
			t.Fatalf("receipt %s: %v %v", st.state, m, err)
		}
	}
	_, err = cs.ApplyReceipt(f.sys, &desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: "wamid.nope", State: desk.DeliverySeen})
	wantCode(t, err, desk.ENOTFOUND)
	_, err = cs.ApplyReceipt(f.sys, &desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: "wamid.in1", State: desk.DeliverySeen})
	wantCode(t, err, desk.ENOTFOUND) // inbound messages take no receipts

	// Deleting a channel fails what still waits on it.
	m3 := &desk.Message{ConversationID: c.ID, Text: "three", Send: &desk.SendRequest{ChannelID: wa.ID}}
	f.s.CreateMessage(f.as(a), m3)
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	if err := cs.DeleteChannel(f.as(admin), wa.ID); err != nil {
		t.Fatal(err)
	}
	thread, _, _ = f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{})
	if last := thread[len(thread)-1]; last.DeliveryState != desk.DeliveryFailed {
		t.Fatalf("message of deleted channel: %+v", last)
	}
}

// testOutboxDuplicateExternalID: a provider answering with an external ID
// another message already holds still records the send, so the job is not
// claimed and sent again when its lease ends.
func testOutboxDuplicateExternalID(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	wa := f.MustChannel("15550200")
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550200", Text: "hi", ExternalID: "wamid.in1"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Conversation
	first := &desk.Message{ConversationID: c.ID, Text: "one", Send: &desk.SendRequest{ChannelID: wa.ID}}
	dupIn := &desk.Message{ConversationID: c.ID, Text: "two", Send: &desk.SendRequest{ChannelID: wa.ID}}
	dupOut := &desk.Message{ConversationID: c.ID, Text: "three", Send: &desk.SendRequest{ChannelID: wa.ID}}
	for _, m := range []*desk.Message{first, dupIn, dupOut} {
		if err := f.s.CreateMessage(f.as(a), m); err != nil {
			t.Fatal(err)
		}
	}
	jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("claim: %d %v", len(jobs), err)
	}
	byMsg := map[desk.ID]*desk.SendJob{}
	for _, j := range jobs {
		byMsg[j.MessageID] = j
	}
	// One batch: the first takes wamid.out1; the next two get IDs already
	// held (the inbound message's, the first reply's).
	err = cs.FinishSendJobs(f.sys, []desk.SendOutcome{
		{JobID: byMsg[first.ID].ID, MessageID: first.ID, Result: desk.SendSent, ExternalID: "wamid.out1"},
		{JobID: byMsg[dupIn.ID].ID, MessageID: dupIn.ID, Result: desk.SendSent, ExternalID: "wamid.in1"},
		{JobID: byMsg[dupOut.ID].ID, MessageID: dupOut.ID, Result: desk.SendSent, ExternalID: "wamid.out1"},
	})
	if err != nil {
		t.Fatalf("finish with duplicate external IDs: %v", err)
	}
	f.clock.Add(10 * time.Minute) // every lease is over
	if again, err := cs.ClaimSendJobs(f.sys, 10, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("sent jobs claimed again: %d %v", len(again), err)
	}
	thread, _, _ := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{})
	got := map[desk.ID]*desk.Message{}
	for _, m := range thread {
		got[m.ID] = m
	}
	if m := got[first.ID]; m.DeliveryState != desk.DeliverySent || m.ExternalID != "wamid.out1" {
		t.Fatalf("first: %+v", m)
	}
	for _, id := range []desk.ID{dupIn.ID, dupOut.ID} {
		if m := got[id]; m.DeliveryState != desk.DeliverySent || m.ExternalID != "" {
			t.Fatalf("duplicate: %+v", m)
		}
	}
	// Receipts still reach the message that owns the ID.
	m, err := cs.ApplyReceipt(f.sys, &desk.Receipt{Channel: desk.ChannelWhatsApp, ExternalID: "wamid.out1", State: desk.DeliveryDelivered})
	if err != nil || m.ID != first.ID {
		t.Fatalf("receipt: %+v %v", m, err)
	}
}
