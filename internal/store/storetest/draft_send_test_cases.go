package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testDraftSend covers H2's "send and mark as solved / waiting / closed in
// one call": the reply, its outbox entry, the status change, the survey
// and the timeline events commit together, or nothing does and the draft
// stays.
func testDraftSend(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	q := f.MustQueue("Surveyed")
	yes := true
	if _, err := f.s.UpdateQueue(f.sys, q.ID, desk.QueueUpdate{SurveyEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	wa := f.MustChannel("15550300")
	me := f.MustAgent("me@example.com", desk.RoleAgent, q.ID)
	other := f.MustAgent("other@example.com", desk.RoleAgent, q.ID)
	ctx := f.as(me)
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551234", To: "15550300", Text: "broken", ExternalID: "ds1", QueueID: q.ID})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Conversation
	form := f.MustForm("Wrap-up", desk.FormField{Name: "reason", Type: "text", Required: true})
	if _, err := f.s.UpdateConversation(ctx, c.ID, desk.ConversationUpdate{FormID: &form.ID}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SaveDraft(ctx, &desk.Draft{ConversationID: c.ID, Text: "All fixed"}); err != nil {
		t.Fatal(err)
	}
	reply := func() *desk.Message {
		return &desk.Message{ConversationID: c.ID, Type: desk.TypeText, Text: "All fixed", Send: &desk.SendRequest{ChannelID: wa.ID}}
	}
	// nothingHappened checks a refused send left no trace: one message
	// (the customer's), no send job, the status open, no status event, the
	// draft kept.
	nothingHappened := func(t *testing.T) {
		t.Helper()
		msgs, _, err := f.s.FindMessages(ctx, c.ID, desk.MessageFilter{})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("thread after a refused send: %d messages, %v", len(msgs), err)
		}
		if jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute); err != nil || len(jobs) != 0 {
			t.Fatalf("send jobs after a refused send: %+v %v", jobs, err)
		}
		got, err := f.s.FindConversationByID(ctx, c.ID)
		if err != nil || got.Status != desk.ConversationOpen || got.Survey != nil {
			t.Fatalf("conversation after a refused send: %+v %v", got, err)
		}
		evs, _ := f.s.FindEvents(f.sys, c.ID)
		for _, e := range evs {
			if e.Type == desk.EventStatusChanged || e.Type == desk.EventSurveySent {
				t.Fatalf("event %s after a refused send", e.Type)
			}
		}
		if d, err := f.s.FindDraft(ctx, c.ID); err != nil || d.Text != "All fixed" {
			t.Fatalf("draft after a refused send: %+v %v", d, err)
		}
	}

	t.Run("required form field missing: form_incomplete, nothing sent", func(t *testing.T) {
		for _, st := range []string{desk.ConversationSolved, desk.ConversationClosed} {
			_, err := f.s.SendDraft(ctx, reply(), st, true)
			wantCode(t, err, desk.CodeFormIncomplete)
			nothingHappened(t)
		}
	})
	t.Run("status open or unknown: field error, nothing sent", func(t *testing.T) {
		for _, st := range []string{desk.ConversationOpen, "done"} {
			_, err := f.s.SendDraft(ctx, reply(), st, true)
			wantCode(t, err, desk.EINVALID)
			if e, ok := err.(*desk.Error); !ok || e.Field != "status" {
				t.Fatalf("error %v, want field status", err)
			}
			nothingHappened(t)
		}
	})
	t.Run("no draft: not found, nothing sent", func(t *testing.T) {
		_, err := f.s.SendDraft(f.as(other), reply(), desk.ConversationWaiting, true)
		wantCode(t, err, desk.ENOTFOUND)
		nothingHappened(t)
	})
	t.Run("send and solve: all in one", func(t *testing.T) {
		if _, err := f.s.UpdateConversation(ctx, c.ID, desk.ConversationUpdate{FormValues: map[string]any{"reason": "fixed"}}); err != nil {
			t.Fatal(err)
		}
		changes := f.recordChanges()
		m := reply()
		got, err := f.s.SendDraft(ctx, m, desk.ConversationSolved, true)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != desk.ConversationSolved || got.Survey == nil || m.ID == 0 || m.DeliveryState != desk.DeliveryQueued {
			t.Fatalf("after send: %+v, message %+v", got, m)
		}
		msgs, _, _ := f.s.FindMessages(ctx, c.ID, desk.MessageFilter{})
		if len(msgs) != 3 || msgs[1].Text != "All fixed" || msgs[1].AuthorID == nil || *msgs[1].AuthorID != me.ID {
			t.Fatalf("thread: reply then survey expected, got %d messages", len(msgs))
		}
		jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
		if err != nil || len(jobs) != 2 {
			t.Fatalf("send jobs: reply and survey expected: %+v %v", jobs, err)
		}
		// Both share one commit time, so they may be claimed in any order.
		if a, b := jobs[0].MessageID, jobs[1].MessageID; !(a == m.ID && b == msgs[2].ID || a == msgs[2].ID && b == m.ID) {
			t.Fatalf("send jobs for messages %v and %v, want %v and %v", a, b, m.ID, msgs[2].ID)
		}
		evs, _ := f.s.FindEvents(f.sys, c.ID)
		var status, survey int
		for _, e := range evs {
			switch e.Type {
			case desk.EventStatusChanged:
				status++
				if e.Data["to"] != desk.ConversationSolved || e.ActorID == nil || *e.ActorID != me.ID {
					t.Fatalf("status event: %+v", e)
				}
			case desk.EventSurveySent:
				survey++
			}
		}
		if status != 1 || survey != 1 {
			t.Fatalf("events: %d status_changed, %d survey_sent", status, survey)
		}
		_, err = f.s.FindDraft(ctx, c.ID)
		wantCode(t, err, desk.ENOTFOUND)
		var created, updated int
		for _, ch := range changes() {
			switch ch.Type {
			case desk.ChangeMessageCreated:
				created++
			case desk.ChangeConversationUpdated:
				updated++
			}
		}
		if created != 2 || updated != 1 {
			t.Fatalf("published %d message.created, %d conversation.updated", created, updated)
		}
	})
	t.Run("a closed conversation: conversation_closed, draft kept", func(t *testing.T) {
		closed := desk.ConversationClosed
		if _, err := f.s.UpdateConversation(ctx, c.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveDraft(ctx, &desk.Draft{ConversationID: c.ID, Text: "one more thing"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.SendDraft(ctx, reply(), desk.ConversationWaiting, true)
		wantCode(t, err, "conversation_closed")
		if _, err := f.s.FindDraft(ctx, c.ID); err != nil {
			t.Fatalf("draft lost: %v", err)
		}
	})
	t.Run("send and wait without a status requirement", func(t *testing.T) {
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15559876", To: "15550300", Text: "?", ExternalID: "ds2", QueueID: q.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveDraft(ctx, &desk.Draft{ConversationID: res.Conversation.ID, Text: "checking"}); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.SendDraft(ctx, &desk.Message{ConversationID: res.Conversation.ID, Text: "checking"}, desk.ConversationWaiting, true)
		if err != nil || got.Status != desk.ConversationWaiting || got.Survey != nil {
			t.Fatalf("send and wait: %+v %v", got, err)
		}
		// Without a status the draft is only sent.
		if err := f.s.SaveDraft(ctx, &desk.Draft{ConversationID: res.Conversation.ID, Text: "done"}); err != nil {
			t.Fatal(err)
		}
		if got, err = f.s.SendDraft(ctx, &desk.Message{ConversationID: res.Conversation.ID, Text: "done"}, "", false); err != nil || got.Status != desk.ConversationWaiting {
			t.Fatalf("send only: %+v %v", got, err)
		}
	})
}
