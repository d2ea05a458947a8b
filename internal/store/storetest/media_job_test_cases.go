package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testMediaJobs: an inbound file left pending (its download failed for a
// passing reason) is stored with its message and a media job in one
// transaction, also when the message threads into an ongoing conversation;
// it is listed pending, without a URL, and cannot be opened; the job is
// claimed only when due and once per lease; an outcome fills the file in
// (stored) or refuses it with the reason (failed) and tells the workspace;
// a retry reschedules; a finished job cannot be finished again.
func testMediaJobs(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	qa := f.MustQueue("A")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID)
	wa := f.MustChannel("15550200")
	var changes []desk.Change
	f.onChanges(func(ch []desk.Change) { changes = append(changes, ch...) })

	pending := func(ext, media string) *desk.InboundMessage {
		return &desk.InboundMessage{Channel: desk.ChannelWhatsApp, ChannelID: wa.ID, From: "16505551234", To: "15550200", Type: desk.TypeImage,
			Text: "photo " + ext, ExternalID: ext, QueueID: qa.ID, Attachments: []desk.Attachment{
				{Name: "photo.jpg", URL: "whatsapp-media:" + media, Pending: true, RetryAt: f.clock.Now().Add(30 * time.Second)}}}
	}
	// The first opens the conversation, the second threads into it.
	r1, err := f.s.IngestMessage(f.sys, pending("wamid.P1", "m1"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := f.s.IngestMessage(f.sys, pending("wamid.P2", "m2"))
	if err != nil || r2.Conversation.ID != r1.Conversation.ID {
		t.Fatalf("threaded: %+v %v", r2, err)
	}
	msgs, _, err := f.s.FindMessages(f.as(agent), r1.Conversation.ID, desk.MessageFilter{})
	if err != nil || len(msgs) != 2 {
		t.Fatalf("thread: %+v %v", msgs, err)
	}
	for _, m := range msgs {
		if len(m.Attachments) != 1 || !m.Attachments[0].Pending || m.Attachments[0].URL != "" || m.Attachments[0].Refused != "" {
			t.Fatalf("%s listed: %+v", m.ExternalID, m.Attachments)
		}
		_, err := f.s.FindAttachmentByID(f.as(agent), m.Attachments[0].ID)
		wantCode(t, err, desk.ENOTFOUND)
	}

	_, err = cs.ClaimMediaJobs(f.as(agent), 10, time.Minute)
	wantCode(t, err, desk.EFORBIDDEN)
	if jobs, err := cs.ClaimMediaJobs(f.sys, 10, time.Minute); err != nil || len(jobs) != 0 {
		t.Fatalf("claimed before due: %d %v", len(jobs), err)
	}
	f.clock.Add(30 * time.Second)
	jobs, err := cs.ClaimMediaJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claim: %d jobs, %v", len(jobs), err)
	}
	j1, j2 := jobs[0], jobs[1]
	if j1.MessageID != msgs[0].ID || j1.AttachmentID != msgs[0].Attachments[0].ID || j1.ChannelID != wa.ID || j1.Channel != desk.ChannelWhatsApp ||
		j1.MessageType != desk.TypeImage || j1.Attempts != 2 || j1.Attachment.URL != "whatsapp-media:m1" || j1.Attachment.Name != "photo.jpg" ||
		j1.ConversationID != r1.Conversation.ID || j2.Attachment.URL != "whatsapp-media:m2" {
		t.Fatalf("jobs: %+v %+v", j1, j2)
	}
	if again, _ := cs.ClaimMediaJobs(f.sys, 10, time.Minute); len(again) != 0 {
		t.Fatalf("claimed twice within the lease: %d", len(again))
	}

	// j1 arrives; j2 fails again and is retried later, then given up.
	changes = nil
	stored := desk.Attachment{Name: "photo.jpg", ContentType: "image/jpeg", Size: 2048, BlobKey: "blob-1"}
	if err := cs.FinishMediaJob(f.sys, desk.MediaOutcome{JobID: j1.ID, Result: desk.MediaStored, Attachment: stored}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, cs.FinishMediaJob(f.sys, desk.MediaOutcome{JobID: j1.ID, Result: desk.MediaStored, Attachment: stored}), desk.ENOTFOUND)
	if len(changes) != 1 || changes[0].Type != desk.ChangeMessageUpdated || changes[0].MessageID != j1.MessageID ||
		changes[0].ConversationID != r1.Conversation.ID || changes[0].QueueID != qa.ID {
		t.Fatalf("changes: %+v", changes)
	}
	a, err := f.s.FindAttachmentByID(f.as(agent), j1.AttachmentID)
	if err != nil || a.BlobKey != "blob-1" || a.ContentType != "image/jpeg" || a.Size != 2048 || a.MessageID != j1.MessageID {
		t.Fatalf("stored after a retry: %+v %v", a, err)
	}
	if err := cs.FinishMediaJob(f.sys, desk.MediaOutcome{JobID: j2.ID, Result: desk.MediaRetry, Detail: "HTTP 503",
		NextAttemptAt: f.clock.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 {
		t.Fatalf("a retry told the workspace: %+v", changes)
	}
	f.clock.Add(59 * time.Second)
	if jobs, _ := cs.ClaimMediaJobs(f.sys, 10, time.Minute); len(jobs) != 0 {
		t.Fatalf("claimed before the retry is due: %d", len(jobs))
	}
	f.clock.Add(time.Second)
	jobs, err = cs.ClaimMediaJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].ID != j2.ID || jobs[0].Attempts != 3 {
		t.Fatalf("claim the retry: %+v %v", jobs, err)
	}
	wantCode(t, cs.FinishMediaJob(f.sys, desk.MediaOutcome{JobID: j2.ID, Result: desk.MediaFailed}), desk.EINVALID)
	if err := cs.FinishMediaJob(f.sys, desk.MediaOutcome{JobID: j2.ID, Result: desk.MediaFailed, Reason: "media_unavailable", Detail: "HTTP 503"}); err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[1].Type != desk.ChangeMessageUpdated || changes[1].MessageID != j2.MessageID {
		t.Fatalf("changes: %+v", changes)
	}
	msgs, _, _ = f.s.FindMessages(f.as(agent), r1.Conversation.ID, desk.MessageFilter{})
	got1, got2 := msgs[0].Attachments[0], msgs[1].Attachments[0]
	if got1.Pending || got1.URL != desk.AttachmentURL(got1.ID) || got1.ContentType != "image/jpeg" ||
		got2.Pending || got2.Refused != "media_unavailable" || got2.URL != "" {
		t.Fatalf("after the jobs: %+v / %+v", got1, got2)
	}
	f.clock.Add(time.Hour)
	if jobs, _ := cs.ClaimMediaJobs(f.sys, 10, time.Minute); len(jobs) != 0 {
		t.Fatalf("finished jobs claimed again: %d", len(jobs))
	}

	// Without a channel to fetch through, a pending file is refused.
	in := pending("wamid.P3", "m3")
	in.ChannelID = 0
	r3, err := f.s.IngestMessage(f.sys, in)
	if err != nil || len(r3.Message.Attachments) != 1 || r3.Message.Attachments[0].Refused != "media_unavailable" || r3.Message.Attachments[0].Pending {
		t.Fatalf("no channel: %+v %v", r3, err)
	}
}

// testMediaJobMerge: a pending file's job follows its message when the
// conversation is merged (C8): the claim names the surviving conversation
// and the workspace is told about that one.
func testMediaJobMerge(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	qa := f.MustQueue("A")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID)
	wa := f.MustChannel("15550200")
	cu := &desk.Customer{Name: "Ann", Contacts: []desk.Contact{{Channel: desk.ChannelWhatsApp, Address: "16505551234"}, {Channel: "email", Address: "ann@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, cu); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, ChannelID: wa.ID, From: "16505551234", To: "15550200",
		Type: desk.TypeImage, ExternalID: "wamid.M1", QueueID: qa.ID, Attachments: []desk.Attachment{{Name: "a.jpg", URL: "whatsapp-media:1", Pending: true}}})
	if err != nil {
		t.Fatal(err)
	}
	newer, err := f.s.StartConversation(f.as(agent), &desk.NewConversation{Channel: "email", Sender: "help@brand.example", CustomerID: cu.ID,
		QueueID: qa.ID, Message: &desk.Message{Text: "email reply"}})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := f.mergeConversations(f.as(agent), newer.ID, r.Conversation.ID)
	if err != nil || merged.ID != newer.ID {
		t.Fatalf("merge: %+v %v", merged, err)
	}
	var changes []desk.Change
	f.onChanges(func(ch []desk.Change) { changes = append(changes, ch...) })
	jobs, err := cs.ClaimMediaJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].ConversationID != newer.ID {
		t.Fatalf("claim after the merge: %+v %v", jobs, err)
	}
	if err := cs.FinishMediaJob(f.sys, desk.MediaOutcome{JobID: jobs[0].ID, Result: desk.MediaStored,
		Attachment: desk.Attachment{Name: "a.jpg", ContentType: "image/jpeg", Size: 1, BlobKey: "b"}}); err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ConversationID != newer.ID {
		t.Fatalf("changes: %+v", changes)
	}
	if a, err := f.s.FindAttachmentByID(f.as(agent), jobs[0].AttachmentID); err != nil || a.ConversationID != newer.ID {
		t.Fatalf("attachment: %+v %v", a, err)
	}
}

// testMediaJobChannelDeleted: deleting a channel refuses the files still
// waiting for a retried download through it (no job is left to fetch
// them), and leaves stored files alone.
func testMediaJobChannelDeleted(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cs := f.channels()
	qa := f.MustQueue("A")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID)
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	wa := f.MustChannel("15550200")
	r, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, ChannelID: wa.ID, From: "16505551234", To: "15550200",
		Type: desk.TypeImage, ExternalID: "wamid.D1", QueueID: qa.ID, Attachments: []desk.Attachment{{Name: "a.jpg", URL: "whatsapp-media:1", Pending: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.DeleteChannel(f.as(admin), wa.ID); err != nil {
		t.Fatal(err)
	}
	msgs, _, err := f.s.FindMessages(f.as(agent), r.Conversation.ID, desk.MessageFilter{})
	if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 1 {
		t.Fatalf("thread: %+v %v", msgs, err)
	}
	if a := msgs[0].Attachments[0]; a.Pending || a.Refused != "media_unavailable" {
		t.Fatalf("after the channel went: %+v", a)
	}
	f.clock.Add(24 * time.Hour)
	if jobs, err := cs.ClaimMediaJobs(f.sys, 10, time.Minute); err != nil || len(jobs) != 0 {
		t.Fatalf("jobs left: %d %v", len(jobs), err)
	}
}
