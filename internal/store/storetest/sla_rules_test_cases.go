package storetest

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// testSLARulesChange: a new calendar on the queue moves its open
// conversations' due times; deleting the policy stops their clocks.
// Each change of rules is announced (sla.rules) for the tracker.
func testSLARulesChange(t *testing.T, open Opener) {
	f := newFixture(t, open) // Monday 2 March 2026, 09:00 UTC
	q := f.MustQueue("Rules")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	pol := &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 60}
	if err := f.s.CreateSLAPolicy(f.sys, pol); err != nil {
		t.Fatal(err)
	}
	c := f.MustIngest("+4915550081", "x1", "hi", q.ID).Conversation
	tracker := sla.NewTracker(f.s, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	if err := tracker.Sync(f.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	due := func() *time.Time {
		t.Helper()
		st, err := f.s.FindSLAStatus(f.as(agent), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st.NextDue
	}
	if d := due(); d == nil || !d.Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("due in calendar time: %v", d)
	}
	changes := f.recordChanges()
	cal := &desk.BusinessCalendar{Name: "Afternoons", TimeZone: "UTC", Hours: []desk.BusinessHours{{Day: "mon", Open: "12:00", Close: "18:00"}}}
	if err := f.s.CreateCalendar(f.sys, cal); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetQueueCalendar(f.sys, q.ID, &cal.ID); err != nil {
		t.Fatal(err)
	}
	got := withoutSLAUpdates(changes())
	if len(got) != 1 || got[0].Type != desk.ChangeSLARules || got[0].QueueID != q.ID {
		t.Fatalf("changes: %+v", got)
	}
	if err := tracker.Resync(f.sys, q.ID); err != nil {
		t.Fatal(err)
	}
	if d := due(); d == nil || !d.Equal(time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)) {
		t.Fatalf("due after the calendar: %v", d)
	}
	if err := f.s.DeleteSLAPolicy(f.sys, pol.ID); err != nil {
		t.Fatal(err)
	}
	if got := withoutSLAUpdates(changes()); len(got) != 2 || got[1].Type != desk.ChangeSLARules || got[1].QueueID != q.ID {
		t.Fatalf("changes: %+v", got)
	}
	if err := tracker.Resync(f.sys, q.ID); err != nil {
		t.Fatal(err)
	}
	if d := due(); d != nil {
		t.Fatalf("clock still runs without a policy: %v", d)
	}
	f.clock.Add(48 * time.Hour)
	if ids, err := f.s.FindSLADue(f.sys, f.clock.Now(), 10); err != nil || len(ids) != 0 {
		t.Fatalf("due without a policy: %v %v", ids, err)
	}
}

// withoutSLAUpdates drops the sla.updated changes every saved status
// announces.
func withoutSLAUpdates(chs []desk.Change) []desk.Change {
	var out []desk.Change
	for _, c := range chs {
		if c.Type != desk.ChangeSLAUpdated {
			out = append(out, c)
		}
	}
	return out
}
