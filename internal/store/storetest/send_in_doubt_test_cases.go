package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSendInDoubt: a job whose worker died after marking it as being sent
// comes back flagged, and its message says it may have been sent twice; a
// job that died unmarked comes back unflagged; a retried attempt clears
// the mark, so its next claim is not in doubt.
func testSendInDoubt(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	wa := f.MustChannel("15550200")
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550200", Text: "hi", ExternalID: "wamid.in1"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Conversation
	var msgs []*desk.Message
	for _, text := range []string{"marked", "unmarked", "retried"} {
		m := &desk.Message{ConversationID: c.ID, Text: text, Send: &desk.SendRequest{ChannelID: wa.ID}}
		if err := f.s.CreateMessage(f.as(a), m); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("claim: %d %v", len(jobs), err)
	}
	mark := func(j *desk.SendJob) desk.SendMark {
		return desk.SendMark{JobID: j.ID, MessageID: j.MessageID, Lease: j.Lease, Until: f.clock.Now().Add(time.Minute), InDoubt: j.InDoubt}
	}
	wantCode(t, cs.JournalSendJobs(f.as(a), []desk.SendMark{mark(jobs[0])}, nil), desk.EFORBIDDEN)
	marks := []desk.SendMark{mark(jobs[0]), mark(jobs[2])}
	if err := cs.JournalSendJobs(f.sys, marks, nil); err != nil || !marks[0].Held || !marks[1].Held {
		t.Fatalf("marks %+v: %v", marks, err)
	}
	// The third attempt fails and is retried at once: its mark goes.
	if err := cs.JournalSendJobs(f.sys, nil, []desk.SendOutcome{{JobID: jobs[2].ID, MessageID: jobs[2].MessageID,
		Result: desk.SendRetry, Reason: "503", NextAttemptAt: f.clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Minute) // the worker died: the leases end
	again, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(again) != 3 {
		t.Fatalf("reclaim: %d %v", len(again), err)
	}
	for i, j := range again {
		if want := i == 0; j.InDoubt != want || j.MessageID != msgs[i].ID {
			t.Fatalf("job %d (%s): in doubt %v, want %v", i, msgs[i].Text, j.InDoubt, want)
		}
	}
	// The first claim's copies lost their jobs to the second: they cannot
	// be marked (and so are never sent).
	stale := []desk.SendMark{mark(jobs[1])}
	if err := cs.JournalSendJobs(f.sys, stale, nil); err != nil || stale[0].Held {
		t.Fatalf("a stale claim was marked: %+v %v", stale, err)
	}
	flags := func() map[string]bool {
		thread, _, _ := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{})
		got := map[string]bool{}
		for _, m := range thread {
			got[m.Text] = m.MaybeDuplicate
		}
		return got
	}
	if got := flags(); got["marked"] {
		t.Fatalf("flagged before it is sent again: %v", got)
	}
	// Marked again, about to be sent again: now the agent is told.
	again3 := []desk.SendMark{mark(again[0]), mark(again[1]), mark(again[2])}
	if err := cs.JournalSendJobs(f.sys, again3, nil); err != nil || !again3[0].Held || !again3[1].Held || !again3[2].Held {
		t.Fatalf("marks %+v: %v", again3, err)
	}
	if got := flags(); !got["marked"] || got["unmarked"] || got["retried"] || got["hi"] {
		t.Fatalf("maybe_duplicate flags: %v", got)
	}
	// The flag stays once the resend succeeds; the others finish too.
	var done []desk.SendOutcome
	for _, j := range again {
		done = append(done, desk.SendOutcome{JobID: j.ID, MessageID: j.MessageID, Result: desk.SendSent, ExternalID: "wamid.x" + j.ID.String()})
	}
	if err := cs.JournalSendJobs(f.sys, nil, done); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Minute)
	if last, _ := cs.ClaimSendJobs(f.sys, 10, time.Minute); len(last) != 0 {
		t.Fatalf("claimed after being sent: %+v", last)
	}
	thread, _, _ := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{})
	for _, m := range thread {
		if m.Text == "marked" && (!m.MaybeDuplicate || m.DeliveryState != desk.DeliverySent) {
			t.Fatalf("after the resend: %+v", m)
		}
	}
}
