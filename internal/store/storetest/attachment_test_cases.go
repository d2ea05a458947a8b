package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testAttachments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agentA, agentB := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID), f.MustAgent("b@example.com", desk.RoleAgent, qb.ID)
	conv := f.MustIngest("+15550001", "a1", "hello", qa.ID).Conversation

	note := &desk.Message{ConversationID: conv.ID, Kind: desk.KindNote, Attachments: []desk.Attachment{
		{Name: "shot.png", ContentType: "image/png", Size: 10, BlobKey: "k1"},
		{Name: "log.txt", ContentType: "text/plain", Size: 3, BlobKey: "k2"},
	}}
	if err := f.s.CreateMessage(f.as(agentA), note); err != nil {
		t.Fatal(err)
	}
	if note.Attachments[0].ID == 0 || note.Attachments[0].URL != desk.AttachmentURL(note.Attachments[0].ID) {
		t.Fatalf("stored attachments: %+v", note.Attachments)
	}
	// A reply's provider-hosted media are not stored as files.
	reply := &desk.Message{ConversationID: conv.ID, Text: "see link", Attachments: []desk.Attachment{{Name: "x.png", URL: "https://cdn.example/x.png"}}}
	if err := f.s.CreateMessage(f.as(agentA), reply); err != nil {
		t.Fatal(err)
	}
	msgs, _, err := f.s.FindMessages(f.as(agentA), conv.ID, desk.MessageFilter{})
	if err != nil || len(msgs) != 3 || len(msgs[1].Attachments) != 2 || msgs[1].Attachments[1].Name != "log.txt" || len(msgs[2].Attachments) != 0 {
		t.Fatalf("thread: %+v %v", msgs, err)
	}
	id := note.Attachments[0].ID
	tests := []struct {
		name  string
		agent *desk.Agent
		id    desk.ID
		code  string
	}{
		{"member of the queue", agentA, id, ""},
		{"agent of another queue", agentB, id, desk.ENOTFOUND},
		{"unknown attachment", agentA, 99999, desk.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.s.FindAttachmentByID(f.as(tt.agent), tt.id)
			wantCode(t, err, tt.code)
			if err == nil && (a.BlobKey != "k1" || a.ConversationID != conv.ID || a.MessageID != note.ID || a.ContentType != "image/png") {
				t.Fatalf("attachment: %+v", a)
			}
		})
	}
}

// testInboundAttachments: a customer's files stored before ingest are
// linked to the message (IDs, URLs) and served like notes' files; refused
// ones are kept with the reason and no URL, and can never be opened; a
// repeated message stores nothing again.
func testInboundAttachments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agentA, agentB := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID), f.MustAgent("b@example.com", desk.RoleAgent, qb.ID)
	in := &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "16505551234", To: "biz", Type: desk.TypeImage, Text: "the crack",
		ExternalID: "wamid.A1", QueueID: qa.ID, Attachments: []desk.Attachment{
			{Name: "photo.jpg", ContentType: "image/jpeg", Size: 2048, BlobKey: "in1", Content: []byte("bytes are not stored in the database")},
			{Name: "virus.exe", ContentType: "image/jpeg", Refused: "media_type_not_allowed"},
		}}
	res, err := f.s.IngestMessage(f.sys, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Message.Attachments[0].ID == 0 || res.Message.Attachments[0].URL != desk.AttachmentURL(res.Message.Attachments[0].ID) {
		t.Fatalf("stored: %+v", res.Message.Attachments)
	}
	if res.Message.Attachments[1].ID == 0 || res.Message.Attachments[1].URL != "" {
		t.Fatalf("refused: %+v", res.Message.Attachments[1])
	}
	again := *in
	again.Attachments = []desk.Attachment{{Name: "photo.jpg", ContentType: "image/jpeg", Size: 2048, BlobKey: "in2"}}
	if dup, err := f.s.IngestMessage(f.sys, &again); err != nil || !dup.Duplicate {
		t.Fatalf("repeat: %+v %v", dup, err)
	}
	msgs, _, err := f.s.FindMessages(f.as(agentA), res.Conversation.ID, desk.MessageFilter{})
	if err != nil || len(msgs) != 1 || len(msgs[0].Attachments) != 2 {
		t.Fatalf("thread: %+v %v", msgs, err)
	}
	got := msgs[0].Attachments
	if got[0].Name != "photo.jpg" || got[0].Size != 2048 || got[0].Refused != "" || got[1].Refused != "media_type_not_allowed" || got[1].URL != "" {
		t.Fatalf("listed: %+v", got)
	}
	if a, err := f.s.FindAttachmentByID(f.as(agentA), got[0].ID); err != nil || a.BlobKey != "in1" || a.MessageID != msgs[0].ID {
		t.Fatalf("open stored: %+v %v", a, err)
	}
	wantCode(t, func() error { _, err := f.s.FindAttachmentByID(f.as(agentB), got[0].ID); return err }(), desk.ENOTFOUND)
	wantCode(t, func() error { _, err := f.s.FindAttachmentByID(f.as(agentA), got[1].ID); return err }(), desk.ENOTFOUND)
}
