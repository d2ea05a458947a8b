package storetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// testEmailThreading: an email threads into the open conversation holding a
// Message-ID it references, even from another sender (a CC'd colleague);
// the first subject is the topic; outbound email jobs carry In-Reply-To and
// References from the thread (H1).
func testEmailThreading(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	em := &desk.ChannelConfig{Kind: desk.ChannelEmail, Provider: "smtp", Name: "Support", Sender: "support@shop.test", Settings: map[string]string{"smtp_addr": "x:25"}}
	if err := cs.CreateChannel(f.sys, em); err != nil {
		t.Fatal(err)
	}
	ingest := func(from, id, subject string, refs ...string) *desk.IngestResult {
		t.Helper()
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelEmail, From: from, To: "support@shop.test",
			Text: "body of " + id, ExternalID: id, Subject: subject, ThreadRefs: refs})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := ingest("ana@example.com", "a1@example.com", "Re: Fwd: Order 1042")
	if first.Conversation.Topic != "Order 1042" {
		t.Fatalf("topic %q", first.Conversation.Topic)
	}
	// The thread's subject is kept apart from the topic (which agents
	// may edit): replies say "Re: " and it.
	if got, err := f.s.FindConversationByID(f.sys, first.Conversation.ID); err != nil || got.Subject != "Order 1042" {
		t.Fatalf("subject %q %v", got.Subject, err)
	}
	reply := &desk.Message{ConversationID: first.Conversation.ID, Text: "It left today.", Send: &desk.SendRequest{ChannelID: em.ID, Subject: "Re: Order 1042"}}
	if err := f.s.CreateMessage(f.as(a), reply); err != nil {
		t.Fatal(err)
	}
	jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %d, %v", len(jobs), err)
	}
	if m := jobs[0].Message; m.InReplyTo != "a1@example.com" || strings.Join(m.References, " ") != "a1@example.com" || m.Subject != "Re: Order 1042" {
		t.Fatalf("outbound email job %+v", m)
	}
	// A second reply written while the first is still being sent (its
	// Message-ID not recorded yet) is threaded to it: the store knows the
	// ID the email channel will give it.
	second := &desk.Message{ConversationID: first.Conversation.ID, Text: "And a tracking number.", Send: &desk.SendRequest{ChannelID: em.ID, Subject: "Re: Order 1042"}}
	if err := f.s.CreateMessage(f.as(a), second); err != nil {
		t.Fatal(err)
	}
	jobs2, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs2) != 1 {
		t.Fatalf("claim the second: %d, %v", len(jobs2), err)
	}
	pending := desk.EmailMessageID(jobs[0].Message.IdempotencyKey, "support@shop.test")
	if m := jobs2[0].Message; m.InReplyTo != "a1@example.com" || strings.Join(m.References, " ") != "a1@example.com "+pending {
		t.Fatalf("reply written while the first is sending: In-Reply-To %q References %q, want a1@example.com and [a1@example.com %s]", m.InReplyTo, m.References, pending)
	}
	if err := cs.FinishSendJobs(f.sys, []desk.SendOutcome{{JobID: jobs[0].ID, MessageID: reply.ID, Result: desk.SendSent, ExternalID: "sb-1@shop.test"},
		{JobID: jobs2[0].ID, MessageID: second.ID, Result: desk.SendSent, ExternalID: "sb-2@shop.test"}}); err != nil {
		t.Fatal(err)
	}
	colleague := ingest("bob@example.com", "b1@example.com", "Re: Order 1042", "a1@example.com", "sb-1@shop.test")
	if colleague.Conversation.ID != first.Conversation.ID || colleague.NewConversation || !colleague.NewCustomer {
		t.Fatalf("CC'd colleague's answer: conversation %s (new %v), want %s", colleague.Conversation.ID, colleague.NewConversation, first.Conversation.ID)
	}
	stranger := ingest("carol@example.com", "c1@example.com", "Order 1042", "unknown@example.com")
	if stranger.Conversation.ID == first.Conversation.ID || !stranger.NewConversation {
		t.Fatal("an unknown reference threaded into another customer's conversation")
	}
}

// testReplyChannelSwitch: a reply on another of the customer's contacts
// goes out there and the conversation follows it (C7).
func testReplyChannelSwitch(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	res := f.MustIngest("15550001", "s1", "hi", 0)
	m := &desk.Message{ConversationID: res.Conversation.ID, Text: "on whatsapp", Channel: desk.ChannelWhatsApp, From: "15559000", To: "15550001"}
	if err := f.s.CreateMessage(f.as(a), m); err != nil {
		t.Fatal(err)
	}
	c, err := f.s.FindConversationByID(f.as(a), res.Conversation.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Channel != desk.ChannelWhatsApp || c.Channel != desk.ChannelWhatsApp || c.SenderAddress != "15559000" || c.ContactAddress != "15550001" {
		t.Fatalf("message on %s, conversation on %s from %s to %s", m.Channel, c.Channel, c.SenderAddress, c.ContactAddress)
	}
}

// dispatcher records jobs handed over after commit.
type dispatcher struct {
	mu                 sync.Mutex
	free               int
	jobs               []*desk.SendJob
	released, notified int
}

func (d *dispatcher) Reserve() (time.Duration, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.free == 0 {
		return 0, false
	}
	d.free--
	return time.Minute, true
}
func (d *dispatcher) Dispatch(j *desk.SendJob) {
	d.mu.Lock()
	d.jobs = append(d.jobs, j)
	d.mu.Unlock()
}
func (d *dispatcher) Release() { d.mu.Lock(); d.released++; d.mu.Unlock() }
func (d *dispatcher) Notify()  { d.mu.Lock(); d.notified++; d.mu.Unlock() }

// testDispatch: with a dispatcher, a reply's job is written leased and
// handed over after commit (no claim needed); without room it is written
// unleased and the dispatcher is notified; a failed transaction gives the
// place back.
func testDispatch(t *testing.T, open Opener) {
	d := &dispatcher{free: 1}
	f := newFixtureWith(t, open, sqlstore.Options{Sends: d})
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	wa := f.MustChannel("15550200")
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550200", Text: "hi", ExternalID: "wamid.in1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"leased", "unleased"} {
		if err := f.s.CreateMessage(f.as(a), &desk.Message{ConversationID: res.Conversation.ID, Text: text, Send: &desk.SendRequest{ChannelID: wa.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	d.free = 1
	bad := &desk.Message{ConversationID: res.Conversation.ID, Text: "x", Send: &desk.SendRequest{ChannelID: 999}}
	wantCode(t, f.s.CreateMessage(f.as(a), bad), desk.EINVALID)
	if len(d.jobs) != 1 || d.jobs[0].Message.Text != "leased" || d.jobs[0].Attempts != 1 || d.jobs[0].Message.To != "+15551234" || d.notified != 1 || d.released != 1 {
		t.Fatalf("dispatcher saw jobs %d, notified %d, released %d", len(d.jobs), d.notified, d.released)
	}
	jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].Message.Text != "unleased" {
		t.Fatalf("claim found %d jobs (%v), want only the unleased one", len(jobs), err)
	}
	f.clock.Add(2 * time.Minute) // the dispatched job's worker died: its lease ends
	jobs, _ = cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if len(jobs) != 2 || jobs[0].Message.IdempotencyKey != d.jobs[0].Message.IdempotencyKey || jobs[0].Attempts != 2 {
		t.Fatalf("after the lease: %d jobs", len(jobs))
	}
}
