package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testReplyContext: FindReplyContext answers what the separate reads do —
// the conversation as the actor may see it, its queue, the actor's
// membership, the contact's window and opt-out — and its configuration
// version moves with every change to a channel.
func testReplyContext(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sales, other := f.MustQueue("Sales"), f.MustQueue("Other")
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	member := f.MustAgent("m@example.com", desk.RoleAgent, sales.ID)
	outsider := f.MustAgent("o@example.com", desk.RoleAgent, other.ID)
	t0 := f.clock.Now()
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15551110001", To: "15550400", Text: "hi", ExternalID: "w1", QueueID: sales.ID})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Conversation.ID
	rc, err := f.s.FindReplyContext(f.as(member), id)
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.s.FindConversationByID(f.as(member), id)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Conversation.ID != id || rc.Conversation.ContactAddress != want.ContactAddress || rc.Conversation.QueueName != want.QueueName ||
		rc.Queue == nil || rc.Queue.ID != sales.ID || rc.Queue.Name != "Sales" || !rc.InQueue {
		t.Fatalf("context %+v (queue %+v), want conversation %+v in Sales", rc.Conversation, rc.Queue, want)
	}
	if !rc.Contact || rc.LastInboundAt == nil || !rc.LastInboundAt.Equal(t0) || rc.OptOut != nil || rc.ConfigVersion == 0 {
		t.Fatalf("contact %v window %v opt-out %+v version %d", rc.Contact, rc.LastInboundAt, rc.OptOut, rc.ConfigVersion)
	}
	if rc, err := f.s.FindReplyContext(f.as(admin), id); err != nil || rc.InQueue {
		t.Fatalf("admin outside the queue: %+v %v", rc, err)
	}
	_, err = f.s.FindReplyContext(f.as(outsider), id)
	_, err2 := f.s.FindConversationByID(f.as(outsider), id)
	if desk.ErrorKind(err) != desk.ENOTFOUND || desk.ErrorKind(err2) != desk.ENOTFOUND {
		t.Fatalf("outsider: %v, conversation read %v", err, err2)
	}
	_, err = f.s.FindReplyContext(f.as(admin), 999999)
	wantCode(t, err, desk.ENOTFOUND)

	if err := f.s.SetOptOut(f.sys, desk.ChannelWhatsApp, "15551110001", true, "blocked"); err != nil {
		t.Fatal(err)
	}
	rc, err = f.s.FindReplyContext(f.as(member), id)
	if err != nil || rc.OptOut == nil || rc.OptOut.Reason != "blocked" {
		t.Fatalf("opt-out: %+v %v", rc, err)
	}
	o, err := f.s.FindOptOut(f.sys, desk.ChannelWhatsApp, "15551110001")
	if err != nil || o.Address != rc.OptOut.Address || !o.CreatedAt.Equal(rc.OptOut.CreatedAt) {
		t.Fatalf("opt-out %+v, the store's %+v %v", rc.OptOut, o, err)
	}

	// Every channel change moves the version; nothing else does.
	version := func() int64 {
		t.Helper()
		rc, err := f.s.FindReplyContext(f.as(member), id)
		if err != nil {
			t.Fatal(err)
		}
		return rc.ConfigVersion
	}
	v := version()
	f.MustIngest("+15550009999", "s1", "hello", 0)
	if got := version(); got != v {
		t.Fatalf("an inbound message moved the version %d → %d", v, got)
	}
	wa := f.MustChannel("15550400")
	if got := version(); got <= v {
		t.Fatalf("create: version %d → %d", v, got)
	}
	v = version()
	name := "renamed"
	if _, err := f.channels().UpdateChannel(f.as(admin), wa.ID, desk.ChannelUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := version(); got <= v {
		t.Fatalf("update: version %d → %d", v, got)
	}
	v = version()
	if err := f.channels().DeleteChannel(f.as(admin), wa.ID); err != nil {
		t.Fatal(err)
	}
	if got := version(); got <= v {
		t.Fatalf("delete: version %d → %d", v, got)
	}
}
