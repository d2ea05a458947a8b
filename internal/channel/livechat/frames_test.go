package livechat

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/http/frametest"
)

// TestFramesFollowContract: the frames the adapter builds for a visitor
// — a reply with files (Send), the history with files refused and
// pending and a reply not sent yet, seen, a rate-limit error — validate against the document's
// LiveChatServerFrame, every server type is covered by the document, and
// a frame made wrong on purpose fails.
func TestFramesFollowContract(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	hub := NewHub(HubConfig{Links: testLinks()})
	ch, err := New(hub, &desk.ChannelConfig{ID: 3, Kind: desk.ChannelLiveChat, Secrets: map[string]string{"session_secret": "0123456789abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	ch.now = func() time.Time { return now }
	sock := hub.register("v-me", nil) // held: what is pushed waits, as sent
	pdf := desk.Attachment{ID: 21, Name: "guide.pdf", ContentType: "application/pdf", Size: 4, URL: desk.AttachmentURL(21)}
	if _, err := ch.Send(t.Context(), &desk.OutboundMessage{IdempotencyKey: "k1", To: "v-me", Text: "the guide", Attachments: []desk.Attachment{pdf}}); err != nil {
		t.Fatal(err)
	}
	hub.PushSeen("v-me")
	thread := []*desk.Message{
		{ConversationID: 5, ExternalID: "lc-in-v-me-1", Direction: desk.DirectionIn, From: "v-me", Text: "hi", CreatedAt: now,
			Attachments: []desk.Attachment{{ID: 13, Name: "big.mov", Refused: "media_too_large"}, {ID: 14, Name: "later.jpg", Pending: true}}},
		{ConversationID: 5, ExternalID: "lc-k1", Direction: desk.DirectionOut, To: "v-me", Text: "the guide", DeliveryState: desk.DeliverySeen,
			CreatedAt: now, Attachments: []desk.Attachment{pdf}},
		// A reply the outbox has not sent yet: no provider ID.
		{ConversationID: 5, Direction: desk.DirectionOut, To: "v-me", Text: "on its way", DeliveryState: desk.DeliveryQueued, CreatedAt: now},
	}
	// The bytes the hub queued for the socket (the reply, seen), then
	// the frames the handler writes itself.
	sent := sock.Waiting()
	if len(sent) != 2 {
		t.Fatalf("%d frames pushed, want the reply and seen", len(sent))
	}
	var types []string
	for _, data := range sent {
		frametest.Check(t, frametest.LiveChatServer, data)
		var e Event
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatal(err)
		}
		types = append(types, e.Type)
	}
	frames := []Event{
		{Type: EventHistory, Messages: historyEvents("v-me", thread, testLinks(), now)},
		{Type: EventHistory, Messages: historyEvents("v-me", nil, nil, now)},
		*rateLimited("m1", 3*time.Second),
		{Type: EventSession, Token: ch.sessions.Issue("v-me", now), VisitorID: "v-me", Prechat: []string{"name"}},
		{Type: EventAck, ID: "m1", At: now},
		{Type: EventTyping, At: now},
	}
	for _, e := range frames {
		data, _ := json.Marshal(e)
		frametest.Check(t, frametest.LiveChatServer, data)
		types = append(types, e.Type)
	}
	for _, typ := range ServerEventTypes() {
		if !slices.Contains(types, typ) {
			t.Errorf("no %s frame checked", typ)
		}
	}

	// Wrong on purpose: a message without its direction, a session
	// without its token, a server frame sent as the visitor.
	for schema, bad := range map[string]Event{
		frametest.LiveChatServer:  {Type: EventMessage, ID: "lc-1", Text: "hi", At: now},
		frametest.LiveChatVisitor: {Type: EventSession, VisitorID: "v-me", Token: "t"},
	} {
		data, _ := json.Marshal(bad)
		if frametest.Validate(schema, data) == nil {
			t.Errorf("%s takes %s", schema, data)
		}
	}
	if data, _ := json.Marshal(Event{Type: EventSession, VisitorID: "v-me"}); frametest.Validate(frametest.LiveChatServer, data) == nil {
		t.Errorf("a session without its token validates: %s", data)
	}
}
