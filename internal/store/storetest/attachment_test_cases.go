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
