package storetest

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// testSLAScriptedDays plays conversations over the Friday to Tuesday of
// Berlin's spring DST change (29 March 2026), with Monday 30 March a
// holiday of the queue's calendar (Mon–Fri 09:00–17:00 Europe/Berlin),
// and checks first response, next response, resolution and breaches
// against answers worked out by hand.
func testSLAScriptedDays(t *testing.T, open Opener) {
	f := newFixture(t, open)
	var ss desk.SLAService = f.s
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// to moves the clock forward to a Berlin wall-clock time.
	to := func(s string) {
		t.Helper()
		d := at(s).Sub(f.clock.Now())
		if d < 0 {
			t.Fatalf("clock cannot go back to %s", s)
		}
		f.clock.Add(d)
	}
	q := f.MustQueue("Support")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	ctx := f.as(agent)

	// Calendars and policies (who may set them: internal/access).
	cal := &desk.BusinessCalendar{Name: "Berlin office", TimeZone: "Europe/Berlin", Holidays: []string{"2026-03-30"}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		cal.Hours = append(cal.Hours, desk.BusinessHours{Day: d, Open: "09:00", Close: "17:00"})
	}
	wantField(t, ss.CreateCalendar(f.as(sup), &desk.BusinessCalendar{Name: "Bad", TimeZone: "Europe/Nowhere"}), desk.EINVALID, "time_zone")
	if err := ss.CreateCalendar(f.as(sup), cal); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ss.CreateCalendar(f.as(sup), &desk.BusinessCalendar{Name: "Berlin office", TimeZone: "UTC"}), "name_taken")
	if err := ss.SetQueueCalendar(f.as(sup), q.ID, &cal.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := ss.QueueCalendarID(ctx, q.ID); err != nil || got == nil || *got != cal.ID {
		t.Fatalf("queue calendar = %v %v", got, err)
	}
	anyPrio := &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 60, NextResponseMinutes: 120, ResolutionMinutes: 8 * 60}
	if err := ss.CreateSLAPolicy(f.as(sup), anyPrio); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ss.CreateSLAPolicy(f.as(sup), &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 5}), "policy_exists")
	wantField(t, ss.CreateSLAPolicy(f.as(sup), &desk.SLAPolicy{QueueID: q.ID, Priority: "asap", FirstResponseMinutes: 5}), desk.EINVALID, "priority")
	urgent := &desk.SLAPolicy{QueueID: q.ID, Priority: desk.PriorityUrgent, FirstResponseMinutes: 15}
	if err := ss.CreateSLAPolicy(f.as(sup), urgent); err != nil {
		t.Fatal(err)
	}
	if ps, err := ss.FindSLAPolicies(ctx, q.ID); err != nil || len(ps) != 2 || ps[0].ID != anyPrio.ID {
		t.Fatalf("policies: %+v %v", ps, err)
	}

	tracker := sla.NewTracker(ss, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	sync := func(ids ...desk.ID) {
		t.Helper()
		if err := tracker.Sync(f.sys, ids...); err != nil {
			t.Fatal(err)
		}
	}
	reply := func(id desk.ID, kind string) {
		t.Helper()
		if err := f.s.CreateMessage(ctx, &desk.Message{ConversationID: id, Kind: kind, Text: "on it"}); err != nil {
			t.Fatal(err)
		}
	}
	status := func(id desk.ID) *desk.SLAStatus {
		t.Helper()
		st, err := ss.FindSLAStatus(ctx, id)
		if err != nil {
			t.Fatalf("status of %d: %v", id, err)
		}
		return st
	}
	breaches := func(id desk.ID) []string {
		t.Helper()
		evs, err := f.s.FindEvents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			if e.Type == desk.EventSLABreached {
				out = append(out, e.Data["target"].(string))
			}
		}
		return out
	}
	same := func(name string, got *time.Time, want string) {
		t.Helper()
		if got == nil || !got.Equal(at(want)) {
			t.Fatalf("%s = %v, want %s Berlin", name, got, want)
		}
	}

	// Friday 16:30 CET: A writes; a note at 16:40 is not a response.
	to("2026-03-27 16:30")
	a := f.MustIngest("+4915550001", "a1", "my order?", q.ID).Conversation
	sync(a.ID)
	to("2026-03-27 16:40")
	reply(a.ID, desk.KindNote)
	sync(a.ID)
	// 16:45: B writes, and nobody will answer in time.
	to("2026-03-27 16:45")
	b := f.MustIngest("+4915550002", "b1", "hello?", q.ID).Conversation
	sync(b.ID)
	// A's first response is due after 30 minutes on Friday, the weekend
	// (with the DST change), the Monday holiday, and 30 minutes on
	// Tuesday: 09:30 CEST (07:30Z, not the 08:30Z a zone-blind clock gives).
	stA := status(a.ID)
	same("A first response due", stA.FirstResponse.Due, "2026-03-31 09:30")
	same("A resolution due", stA.Resolution.Due, "2026-03-31 16:30")
	if !stA.FirstResponse.Due.Equal(time.Date(2026, 3, 31, 7, 30, 0, 0, time.UTC)) || stA.FirstResponse.MetAt != nil {
		t.Fatalf("A first response: %+v", stA.FirstResponse)
	}
	// Nothing is due over the weekend and holiday.
	to("2026-03-30 16:00")
	if err := tracker.Sweep(f.sys); err != nil {
		t.Fatal(err)
	}
	if got := breaches(b.ID); len(got) != 0 {
		t.Fatalf("breached on a holiday: %v", got)
	}
	// Tuesday 09:20 CEST: the agent answers A in time.
	to("2026-03-31 09:20")
	reply(a.ID, desk.KindMessage)
	sync(a.ID)
	stA = status(a.ID)
	same("A first response met", stA.FirstResponse.MetAt, "2026-03-31 09:20")
	if stA.FirstResponse.Breached {
		t.Fatal("A's first response breached")
	}
	// 09:46: B's first response (due 09:45) is breached by the sweep, and
	// recorded once on its timeline and on the bus, however often swept.
	changes := f.recordChanges()
	to("2026-03-31 09:46")
	for i := 0; i < 2; i++ {
		if err := tracker.Sweep(f.sys); err != nil {
			t.Fatal(err)
		}
	}
	if got := breaches(b.ID); len(got) != 1 || got[0] != desk.SLAFirstResponse {
		t.Fatalf("B breaches: %v", got)
	}
	all := changes()
	if n := len(all) - len(withoutSLAUpdates(all)); n == 0 || all[0].Type != desk.ChangeSLAUpdated || all[0].QueueID != q.ID {
		t.Fatalf("no sla.updated for the saved statuses: %+v", all)
	}
	if chs := withoutSLAUpdates(all); len(chs) != 1 || chs[0].Type != desk.ChangeSLABreached || chs[0].ConversationID != b.ID || chs[0].QueueID != q.ID {
		t.Fatalf("changes: %+v", chs)
	}
	stB := status(b.ID)
	if !stB.FirstResponse.Breached {
		t.Fatalf("B: %+v", stB)
	}
	same("B first response due", stB.FirstResponse.Due, "2026-03-31 09:45")

	// C, Tuesday: answered at once, a follow-up waits 2.5 h (next
	// response breached at 12:31), solved at 14:00 (resolution met).
	to("2026-03-31 10:00")
	c := f.MustIngest("+4915550003", "c1", "refund", q.ID).Conversation
	sync(c.ID)
	to("2026-03-31 10:05")
	reply(c.ID, desk.KindMessage)
	to("2026-03-31 10:30")
	f.MustIngest("+4915550003", "c2", "and?", q.ID)
	sync(c.ID)
	same("C next response due", status(c.ID).NextResponse.Due, "2026-03-31 12:30")
	to("2026-03-31 12:31")
	if err := tracker.Sweep(f.sys); err != nil {
		t.Fatal(err)
	}
	if got := breaches(c.ID); len(got) != 1 || got[0] != desk.SLANextResponse {
		t.Fatalf("C breaches: %v", got)
	}
	to("2026-03-31 13:00")
	reply(c.ID, desk.KindMessage)
	to("2026-03-31 14:00")
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(ctx, c.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	sync(c.ID)
	stC := status(c.ID)
	same("C first response met", stC.FirstResponse.MetAt, "2026-03-31 10:05")
	same("C resolved", stC.Resolution.MetAt, "2026-03-31 14:00")
	if stC.FirstResponse.Breached || !stC.NextResponse.Breached || stC.Resolution.Breached || stC.NextDue != nil {
		t.Fatalf("C: %+v", stC)
	}
	// B's resolution (due 16:45 Tuesday) is the last running target.
	to("2026-03-31 16:46")
	if err := tracker.Sweep(f.sys); err != nil {
		t.Fatal(err)
	}
	if got := breaches(b.ID); len(got) != 2 || got[1] != desk.SLAResolution {
		t.Fatalf("B breaches: %v", got)
	}
	if got := breaches(a.ID); len(got) != 1 || got[0] != desk.SLAResolution {
		t.Fatalf("A breaches: %v", got) // unsolved past Tuesday 16:30
	}
	// An agent of another queue sees no status; system calls are refused to agents.
	other := f.MustAgent("o@example.com", desk.RoleAgent, f.MustQueue("Other").ID)
	if _, err := ss.FindSLAStatus(f.as(other), a.ID); desk.ErrorKind(err) != desk.ENOTFOUND && desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("other queue's agent: %v", err)
	}
	if _, err := ss.LoadSLAInput(ctx, a.ID); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent loading SLA input: %v", err)
	}
}
