package storetest

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// testSLABreachNotifications: a breach notifies the conversation's
// assignee and the supervisors (and admins) who are members of its queue —
// not other agents of the queue, nor supervisors of other queues — once,
// however often swept; each reads and marks only their own.
func testSLABreachNotifications(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q, other := f.MustQueue("Billing"), f.MustQueue("Other")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	colleague := f.MustAgent("c@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor, q.ID)
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin, q.ID)
	elsewhere := f.MustAgent("sup2@example.com", desk.RoleSupervisor, other.ID)
	if err := f.s.CreateSLAPolicy(f.sys, &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 5}); err != nil {
		t.Fatal(err)
	}
	c := f.MustIngest("+4915550091", "n1", "help", q.ID).Conversation
	if _, err := f.s.AssignConversation(f.as(sup), c.ID, agent.ID); err != nil {
		t.Fatal(err)
	}
	tracker := sla.NewTracker(f.s, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	if err := tracker.Sync(f.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	changes := f.recordChanges()
	f.clock.Add(6 * time.Minute)
	for i := 0; i < 2; i++ {
		if err := tracker.Sweep(f.sys); err != nil {
			t.Fatal(err)
		}
	}
	got := map[desk.ID]int{}
	for _, ch := range changes() {
		if ch.Type == desk.ChangeNotificationCreated {
			if ch.ConversationID != c.ID || ch.QueueID != 0 {
				t.Fatalf("notification change: %+v", ch)
			}
			got[ch.AgentID]++
		}
	}
	if len(got) != 3 || got[agent.ID] != 1 || got[sup.ID] != 1 || got[admin.ID] != 1 {
		t.Fatalf("notified %v, want the assignee %d, supervisor %d and admin %d once", got, agent.ID, sup.ID, admin.ID)
	}
	for _, a := range []*desk.Agent{colleague, elsewhere} {
		if items, n, err := f.s.FindNotifications(f.as(a), false, 10); err != nil || n != 0 || len(items) != 0 {
			t.Fatalf("%s: %d %+v %v", a.Email, n, items, err)
		}
	}
	items, n, err := f.s.FindNotifications(f.as(agent), false, 10)
	if err != nil || n != 1 || len(items) != 1 {
		t.Fatalf("assignee: %d %+v %v", n, items, err)
	}
	nt := items[0]
	if nt.Type != desk.NotificationSLABreached || nt.ConversationID == nil || *nt.ConversationID != c.ID || nt.QueueID != q.ID ||
		nt.Title != "SLA breached: first response" || nt.AgentID != agent.ID {
		t.Fatalf("notification: %+v", nt)
	}
	if err := f.s.MarkNotificationRead(f.as(sup), nt.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("marking someone else's: %v", err)
	}
	if err := f.s.MarkNotificationRead(f.as(agent), nt.ID); err != nil {
		t.Fatal(err)
	}
	if items, n, _ := f.s.FindNotifications(f.as(agent), true, 10); n != 0 || len(items) != 0 {
		t.Fatalf("unread after reading: %d %+v", n, items)
	}
	if err := f.s.MarkAllNotificationsRead(f.as(sup)); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := f.s.FindNotifications(f.as(sup), false, 10); n != 0 {
		t.Fatalf("supervisor unread after all read: %d", n)
	}
	if _, n, _ := f.s.FindNotifications(f.as(admin), false, 10); n != 1 {
		t.Fatalf("admin unread: %d", n)
	}
}

// testOutOfHoursReply: a customer writing while the queue's calendar
// (Mon–Fri 09:00–17:00 Europe/Berlin, Monday 30 March 2026 a holiday) is
// closed gets the queue's reply once per closed period — on the
// channel's own text where one is set, through the outbox — and it is
// not a first response.
func testOutOfHoursReply(t *testing.T, open Opener) {
	f := newFixture(t, open)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	to := func(s string) {
		t.Helper()
		at, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(at.Sub(f.clock.Now()))
	}
	q := f.MustQueue("Support")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	cal := &desk.BusinessCalendar{Name: "Berlin", TimeZone: "Europe/Berlin", Holidays: []string{"2026-03-30"}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		cal.Hours = append(cal.Hours, desk.BusinessHours{Day: d, Open: "09:00", Close: "17:00"})
	}
	if err := f.s.CreateCalendar(f.sys, cal); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetQueueCalendar(f.sys, q.ID, &cal.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.CreateSLAPolicy(f.sys, &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	o := &desk.OutOfHours{QueueID: q.ID, Enabled: true, Text: "We are closed.", Channels: map[string]string{desk.ChannelWhatsApp: "Closed (WhatsApp)."}}
	wantField(t, f.s.SetOutOfHours(f.as(sup), &desk.OutOfHours{QueueID: q.ID, Enabled: true}), desk.EINVALID, "text")
	wantField(t, f.s.SetOutOfHours(f.as(sup), &desk.OutOfHours{QueueID: q.ID, Text: "x", Channels: map[string]string{"pigeon": "x"}}), desk.EINVALID, "channels.pigeon")
	if err := f.s.SetOutOfHours(f.as(sup), o); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.FindOutOfHours(f.as(agent), q.ID); err != nil || !got.Enabled || got.Channels[desk.ChannelWhatsApp] != "Closed (WhatsApp)." {
		t.Fatalf("saved: %+v %v", got, err)
	}
	if ids, err := f.s.FindOutOfHoursQueues(f.sys); err != nil || len(ids) != 1 || ids[0] != q.ID {
		t.Fatalf("queues with a reply: %v %v", ids, err)
	}
	replier := sla.NewAutoReplier(f.s, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	f.MustChannel(ourWhatsApp)
	ingest := func(ext string) *desk.Conversation {
		t.Helper()
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "+4915550077", To: ourWhatsApp, Text: ext, ExternalID: ext, QueueID: q.ID})
		if err != nil {
			t.Fatal(err)
		}
		return res.Conversation
	}
	reply := func(c *desk.Conversation) desk.ID {
		t.Helper()
		id, err := replier.Reply(f.sys, c.ID, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Saturday: replied once; again Saturday evening and on the Monday
	// holiday it is the same closed period (until Tuesday 09:00).
	to("2026-03-28 10:00")
	c := ingest("w1")
	first := reply(c)
	if first == 0 {
		t.Fatal("no reply on a Saturday")
	}
	for _, at := range []string{"2026-03-28 20:00", "2026-03-30 12:00"} {
		to(at)
		if id := reply(ingest("w-" + at)); id != 0 {
			t.Fatalf("second reply at %s in the same closed period", at)
		}
	}
	// Open on Tuesday: nothing. Tuesday evening is a new closed period.
	to("2026-03-31 10:00")
	if id := reply(ingest("w3")); id != 0 {
		t.Fatal("reply while open")
	}
	to("2026-03-31 18:00")
	second := reply(ingest("w4"))
	if second == 0 {
		t.Fatal("no reply in the next closed period")
	}
	msgs, _, err := f.s.FindMessages(f.as(agent), c.ID, desk.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var auto []*desk.Message
	for _, m := range msgs {
		if m.Direction == desk.DirectionOut {
			auto = append(auto, m)
		}
	}
	if len(auto) != 2 || auto[0].ID != first || auto[1].ID != second || auto[0].Text != "Closed (WhatsApp)." || auto[0].AuthorID != nil ||
		auto[0].DeliveryState != desk.DeliveryQueued {
		t.Fatalf("automatic replies: %+v", auto)
	}
	evs, err := f.s.FindEvents(f.as(agent), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Type == desk.EventAutoReplied {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("auto_replied events: %d", n)
	}
	// Not a first response: the target still runs, unmet.
	tracker := sla.NewTracker(f.s, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	if err := tracker.Sync(f.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	st, err := f.s.FindSLAStatus(f.as(agent), c.ID)
	if err != nil || st.FirstResponse.MetAt != nil {
		t.Fatalf("the automatic reply counted as a first response: %+v %v", st, err)
	}
	// Disabled, or a queue without a calendar: no reply.
	o.Enabled = false
	if err := f.s.SetOutOfHours(f.as(sup), o); err != nil {
		t.Fatal(err)
	}
	to("2026-04-01 20:00")
	if id := reply(ingest("w5")); id != 0 {
		t.Fatal("reply while disabled")
	}
	if ids, _ := f.s.FindOutOfHoursQueues(f.sys); len(ids) != 0 {
		t.Fatalf("queues with a reply after disabling: %v", ids)
	}
}

// testSLAWaitingOnCustomer: while the conversation waits on the customer
// (the agent answered last, status waiting), next response does not run
// and cannot breach; resolution does not pause. The customer's next
// message starts next response.
func testSLAWaitingOnCustomer(t *testing.T, open Opener) {
	f := newFixture(t, open) // Monday 2 March 2026, 09:00 UTC; no calendar: calendar time
	q := f.MustQueue("Waiting")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	if err := f.s.CreateSLAPolicy(f.sys, &desk.SLAPolicy{QueueID: q.ID, NextResponseMinutes: 60, ResolutionMinutes: 240}); err != nil {
		t.Fatal(err)
	}
	c := f.MustIngest("+4915550055", "wa1", "hi", q.ID).Conversation
	tracker := sla.NewTracker(f.s, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	f.clock.Add(5 * time.Minute)
	if err := f.s.CreateMessage(f.as(agent), &desk.Message{ConversationID: c.ID, Kind: desk.KindMessage, Text: "please send the invoice number"}); err != nil {
		t.Fatal(err)
	}
	waiting := desk.ConversationWaiting
	if _, err := f.s.UpdateConversation(f.as(agent), c.ID, desk.ConversationUpdate{Status: &waiting}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(3 * time.Hour)
	if err := tracker.Sync(f.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	st, err := f.s.FindSLAStatus(f.as(agent), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.NextResponse.Due != nil || st.NextResponse.Breached || st.Resolution.Breached ||
		st.Resolution.Due == nil || !st.Resolution.Due.Equal(c.CreatedAt.Add(4*time.Hour)) {
		t.Fatalf("waiting on the customer for 3 h: %+v", st)
	}
	// The customer answers at 12:05: next response due 13:05; resolution
	// (due 13:00, it did not pause) breaches first.
	f.MustIngest("+4915550055", "wa2", "INV-7", q.ID)
	if err := tracker.Sync(f.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	st, _ = f.s.FindSLAStatus(f.as(agent), c.ID)
	if st.NextResponse.Due == nil || !st.NextResponse.Due.Equal(f.clock.Now().Add(time.Hour)) || st.NextDue == nil || !st.NextDue.Equal(c.CreatedAt.Add(4*time.Hour)) {
		t.Fatalf("after the customer's answer: %+v", st)
	}
}
