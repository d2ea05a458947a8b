package livechat

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/socket"
)

// testLinks signs like the server does for Live Chat (relative links).
func testLinks() *attach.Links {
	return &attach.Links{Secret: []byte("0123456789abcdef0123456789abcdef"), TTL: time.Hour}
}

// linkedIDs verifies every link of the events at `at` and returns the
// attachments they name; a link that does not verify fails the test.
func linkedIDs(t *testing.T, l *attach.Links, events []Event, at time.Time) []desk.ID {
	t.Helper()
	var ids []desk.ID
	for _, e := range events {
		for _, f := range e.Files {
			if f.URL == "" {
				continue
			}
			token, ok := strings.CutPrefix(f.URL, "/media/")
			if !ok {
				t.Fatalf("%s: link %q is not a /media/ link", f.Name, f.URL)
			}
			id, err := l.Verify(token, at)
			if err != nil {
				t.Fatalf("%s: link %q does not verify: %v", f.Name, f.URL, err)
			}
			ids = append(ids, id)
		}
	}
	return ids
}

// TestHistoryEventsFiles: after a reload the visitor gets their
// conversation's files both ways as data with working, fresh links;
// refused and pending files without a link but with a reason; and nothing
// of a file of another conversation or another contact.
func TestHistoryEventsFiles(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	const me, other = "v-me", "v-other"
	png := desk.Attachment{ID: 11, Name: "receipt.png", ContentType: "image/png", Size: 68, URL: desk.AttachmentURL(11)}
	pdf := desk.Attachment{ID: 12, Name: "guide.pdf", ContentType: "application/pdf", Size: 2048, URL: desk.AttachmentURL(12)}
	thread := []*desk.Message{
		{ConversationID: 5, ExternalID: "lc-in-1", Direction: desk.DirectionIn, From: me, Text: "my receipt", Attachments: []desk.Attachment{png}},
		{ConversationID: 5, ExternalID: "lc-1", Direction: desk.DirectionOut, To: me, Text: "here", Attachments: []desk.Attachment{pdf}},
		{ConversationID: 5, ExternalID: "lc-in-2", Direction: desk.DirectionIn, From: me, Attachments: []desk.Attachment{
			{ID: 13, Name: "big.mov", Refused: "media_too_large"}, {ID: 14, Name: "later.jpg", Pending: true}}},
		// Merged in from another contact of the customer: text only.
		{ConversationID: 5, ExternalID: "lc-in-3", Direction: desk.DirectionIn, From: other, Text: "theirs",
			Attachments: []desk.Attachment{{ID: 15, Name: "other-visitor.pdf", ContentType: "application/pdf", Size: 9}}},
		// Another conversation (the store would not do this; the builder
		// holds anyway): nothing of it.
		{ConversationID: 6, ExternalID: "lc-2", Direction: desk.DirectionOut, To: me,
			Attachments: []desk.Attachment{{ID: 16, Name: "foreign.pdf", ContentType: "application/pdf", Size: 9}}},
		{ConversationID: 5, ExternalID: "lc-3", Direction: desk.DirectionOut, To: me, Text: "anything else?"},
	}
	l := testLinks()
	got := historyEvents(me, thread, l, now)

	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, ",") != "lc-in-1,lc-1,lc-in-2,lc-in-3,lc-3" {
		t.Fatalf("history messages %v", ids)
	}
	if linked := linkedIDs(t, l, got, now.Add(59*time.Minute)); !slices.Equal(linked, []desk.ID{11, 12}) {
		t.Fatalf("links to %v, want 11 and 12 only", linked)
	}
	want := File{Name: "receipt.png", ContentType: "image/png", Size: 68}
	if f := got[0].Files[0]; f.Name != want.Name || f.ContentType != want.ContentType || f.Size != want.Size || got[0].Text != "my receipt" {
		t.Fatalf("the visitor's upload: %+v, text %q", f, got[0].Text)
	}
	if got[1].Text != "here" || len(got[1].Files) != 1 || got[1].Files[0].Name != "guide.pdf" {
		t.Fatalf("the agent's file: %+v", got[1])
	}
	refused, pending := got[2].Files[0], got[2].Files[1]
	if refused.URL != "" || refused.Reason != "not delivered: the file is too large" || refused.Refused != "media_too_large" {
		t.Fatalf("refused file %+v", refused)
	}
	if pending.URL != "" || !pending.Pending || pending.Reason == "" {
		t.Fatalf("pending file %+v", pending)
	}
	if got[3].Text != "theirs" || len(got[3].Files) != 0 {
		t.Fatalf("another contact's message: %+v", got[3])
	}
	b, _ := json.Marshal(got)
	for _, leak := range []string{"other-visitor.pdf", "foreign.pdf", "/api/v1/attachments/"} {
		if strings.Contains(string(b), leak) {
			t.Fatalf("history carries %q: %s", leak, b)
		}
	}
	// Links expire: the history's are signed at its time, not the file's.
	token, _ := strings.CutPrefix(got[0].Files[0].URL, "/media/")
	if _, err := l.Verify(token, now.Add(61*time.Minute)); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("link valid past its TTL: %v", err)
	}
	later := historyEvents(me, thread, l, now.Add(2*time.Hour))
	if linked := linkedIDs(t, l, later, now.Add(2*time.Hour+time.Minute)); !slices.Equal(linked, []desk.ID{11, 12}) {
		t.Fatalf("a later reload links %v", linked)
	}
}

// TestHistoryEventsWithoutLinks: with no signer (or nothing stored), files
// are listed by name with a reason and no link.
func TestHistoryEventsWithoutLinks(t *testing.T) {
	thread := []*desk.Message{{ConversationID: 1, ExternalID: "lc-1", Direction: desk.DirectionOut, To: "v-me",
		Attachments: []desk.Attachment{{ID: 3, Name: "a.pdf", URL: "/api/v1/attachments/3"}}}}
	got := historyEvents("v-me", thread, nil, time.Now())
	if len(got) != 1 || len(got[0].Files) != 1 || got[0].Files[0].URL != "" || got[0].Files[0].Reason == "" {
		t.Fatalf("history without links: %+v", got)
	}
	if got := historyEvents("v-me", nil, nil, time.Now()); got == nil || len(got) != 0 {
		t.Fatalf("empty thread: %#v (the widget needs an empty list)", got)
	}
}

// TestSendFiles: an agent's files reach the visitor's socket as data with
// links the hub signs (not the provider links, nor in the text).
func TestSendFiles(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	open := func(links FileLinks) (*Channel, *socket.Writer) {
		t.Helper()
		hub := NewHub(HubConfig{Links: links})
		ch, err := New(hub, &desk.ChannelConfig{ID: 3, Kind: desk.ChannelLiveChat, Secrets: map[string]string{"session_secret": "0123456789abcdef"}})
		if err != nil {
			t.Fatal(err)
		}
		ch.now = func() time.Time { return now }
		return ch, hub.register("v-me", nil)
	}
	ch, sock := open(nil)
	msg := &desk.OutboundMessage{IdempotencyKey: "k1", To: "v-me", Text: "the guide", Attachments: []desk.Attachment{
		{ID: 21, Name: "<b>guide</b>.pdf", ContentType: "application/pdf", Size: 4, URL: "https://cc.example.com/media/provider-link"}}}

	if _, err := ch.Send(t.Context(), msg); err != nil {
		t.Fatal(err)
	}
	e := lastEvent(t, sock)
	if e.Text != "the guide" || len(e.Files) != 1 || e.Files[0].URL != "" {
		t.Fatalf("without a signer: %+v", e)
	}

	l := testLinks()
	ch, sock = open(l)
	if _, err := ch.Send(t.Context(), msg); err != nil {
		t.Fatal(err)
	}
	e = lastEvent(t, sock)
	if e.Text != "the guide" || e.ID != "lc-k1" || len(e.Files) != 1 {
		t.Fatalf("sent %+v", e)
	}
	f := e.Files[0]
	if f.Name != "<b>guide</b>.pdf" || f.ContentType != "application/pdf" || f.Size != 4 {
		t.Fatalf("file %+v", f)
	}
	if ids := linkedIDs(t, l, []Event{e}, now.Add(time.Minute)); !slices.Equal(ids, []desk.ID{21}) {
		t.Fatalf("links to %v", ids)
	}
}

// lastEvent decodes the last frame waiting in a held socket's writer.
func lastEvent(t *testing.T, w *socket.Writer) Event {
	t.Helper()
	frames := w.Waiting()
	if len(frames) == 0 {
		t.Fatal("nothing was pushed to the socket")
	}
	var e Event
	if err := json.Unmarshal(frames[len(frames)-1], &e); err != nil {
		t.Fatal(err)
	}
	return e
}
