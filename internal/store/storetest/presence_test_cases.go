package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testPresence(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent)
	bob := f.MustAgent("bob@example.com", desk.RoleAgent)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	if ann.Status != desk.StatusOffline || ann.AcceptsWork || ann.AutoStatus != "" {
		t.Fatalf("new agent: %+v", ann)
	}
	a, err := f.s.SetAgentStatus(f.as(ann), ann.ID, desk.StatusAvailable)
	if err != nil || !a.AcceptsWork || a.AutoStatus != desk.AutoIdle || a.StatusChangedAt == nil || a.LastSeenAt == nil {
		t.Fatalf("available: %+v %v", a, err)
	}
	_, err = f.s.SetAgentStatus(f.as(ann), ann.ID, desk.AutoIdle)
	wantCode(t, err, "automatic_status")
	_, err = f.s.SetAgentStatus(f.as(ann), ann.ID, "napping")
	wantCode(t, err, desk.EINVALID)
	if a, err = f.s.SetAgentStatus(f.as(sup), bob.ID, desk.StatusBusy); err != nil || a.AcceptsWork || a.Status != desk.StatusBusy {
		t.Fatalf("supervisor sets busy: %+v %v", a, err)
	}

	// Load and the automatic statuses follow assignments (A3).
	c := f.MustIngest("+15550100", "p1", "hi", 0).Conversation
	if _, err := f.s.AssignConversation(f.as(ann), c.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.s.FindAgentByID(f.sys, ann.ID); a.Load != 1 || a.AutoStatus != desk.AutoUnderCapacity {
		t.Fatalf("after take: load %d auto %q", a.Load, a.AutoStatus)
	}
	one := 1
	if a, err = f.s.UpdateAgent(f.as(sup), ann.ID, desk.AgentUpdate{Capacity: &one}); err != nil || a.AutoStatus != desk.AutoFullCapacity {
		t.Fatalf("capacity 1: %+v %v", a, err)
	}
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(f.as(ann), c.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.s.FindAgentByID(f.sys, ann.ID); a.Load != 0 || a.AutoStatus != desk.AutoIdle {
		t.Fatalf("solving frees capacity: load %d auto %q", a.Load, a.AutoStatus)
	}
	// A customer message reopens the solved conversation and its load.
	f.MustIngest("+15550100", "p2", "again", 0)
	if a, _ = f.s.FindAgentByID(f.sys, ann.ID); a.Load != 1 {
		t.Fatalf("reopen: load %d", a.Load)
	}

	// Call states (A3) are the system's and stop new work.
	_, err = f.s.SetCallState(f.as(ann), ann.ID, desk.CallRinging)
	wantCode(t, err, desk.EFORBIDDEN)
	if a, err = f.s.SetCallState(f.sys, ann.ID, desk.CallInCall); err != nil || a.AutoStatus != desk.CallInCall || a.AcceptsWork {
		t.Fatalf("in call: %+v %v", a, err)
	}
	if a, err = f.s.SetCallState(f.sys, ann.ID, ""); err != nil || !a.AcceptsWork {
		t.Fatalf("call over: %+v %v", a, err)
	}
	_, err = f.s.SetCallState(f.sys, ann.ID, "dancing")
	wantCode(t, err, desk.EINVALID)

	// Custom statuses (A4).
	_, err = f.s.FindCustomStatuses(f.as(ann))
	if err != nil {
		t.Fatal(err)
	}
	err = f.s.CreateCustomStatus(f.as(sup), &desk.CustomStatus{Name: "Busy"})
	wantCode(t, err, "reserved_status")
	lunch := &desk.CustomStatus{Name: " Lunch "}
	back := &desk.CustomStatus{Name: "Back office", AllowsWork: true}
	for _, cs := range []*desk.CustomStatus{lunch, back} {
		if err := f.s.CreateCustomStatus(f.as(sup), cs); err != nil {
			t.Fatal(err)
		}
	}
	if lunch.Name != "lunch" {
		t.Fatalf("name not normalized: %q", lunch.Name)
	}
	err = f.s.CreateCustomStatus(f.as(sup), &desk.CustomStatus{Name: "LUNCH"})
	wantCode(t, err, "status_taken")
	if a, err = f.s.SetAgentStatus(f.as(bob), bob.ID, "back office"); err != nil || !a.AcceptsWork {
		t.Fatalf("custom status allowing work: %+v %v", a, err)
	}
	no := false
	if _, err := f.s.UpdateCustomStatus(f.as(sup), back.ID, desk.CustomStatusUpdate{AllowsWork: &no}); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.s.FindAgentByID(f.sys, bob.ID); a.AcceptsWork {
		t.Fatal("agents follow their custom status's allows_work")
	}
	wantCode(t, f.s.DeleteCustomStatus(f.as(sup), back.ID), "status_in_use")
	if err := f.s.DeleteCustomStatus(f.as(sup), lunch.ID); err != nil {
		t.Fatal(err)
	}
	list, _ := f.s.FindCustomStatuses(f.sys)
	if len(list) != 1 || list[0].Name != "back office" {
		t.Fatalf("statuses: %+v", list)
	}
}

// testInactivity checks A5 with the fake clock: silence past the timeout
// sets Offline, dated when the timeout ran out, even when noticed late.
func testInactivity(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent)
	bob := f.MustAgent("bob@example.com", desk.RoleAgent)
	for _, a := range []*desk.Agent{ann, bob} {
		if _, err := f.s.SetAgentStatus(f.as(a), a.ID, desk.StatusAvailable); err != nil {
			t.Fatal(err)
		}
	}
	start := f.clock.Now()
	f.clock.Add(40 * time.Second)
	if err := f.s.TouchAgent(f.as(ann), ann.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.TouchAgent(f.as(ann), bob.ID), desk.EFORBIDDEN)
	f.clock.Add(19 * time.Second)
	if ids, err := f.s.ExpireInactiveAgents(f.sys, desk.InactivityTimeout); err != nil || len(ids) != 0 {
		t.Fatalf("59 s of silence: %v %v", ids, err)
	}
	// The server was "down": nobody checked for two hours.
	f.clock.Add(2 * time.Hour)
	ids, err := f.s.ExpireInactiveAgents(f.sys, desk.InactivityTimeout)
	if err != nil || len(ids) != 2 {
		t.Fatalf("expired %v %v", ids, err)
	}
	b, _ := f.s.FindAgentByID(f.sys, bob.ID)
	if b.Status != desk.StatusOffline || !b.StatusChangedAt.Equal(start.Add(desk.InactivityTimeout)) {
		t.Fatalf("bob: %s since %v, want offline since %v", b.Status, b.StatusChangedAt, start.Add(desk.InactivityTimeout))
	}
	u, err := f.s.Utilization(f.sys, start, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range u {
		want := 60.0
		if row.AgentID == ann.ID {
			want = 100 // touched at 40 s
		}
		if row.Seconds[desk.StatusAvailable] != want {
			t.Fatalf("%s available %v s, want %v", row.AgentName, row.Seconds[desk.StatusAvailable], want)
		}
	}
}

// testUtilization scripts a day across midnight and checks the report
// sums to the wall time of each window (A6).
func testUtilization(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent)
	created := f.clock.Now()
	steps := []struct {
		after  time.Duration
		status string
	}{{13 * time.Hour, desk.StatusAvailable}, {3 * time.Hour, desk.StatusBusy}, {45 * time.Minute, desk.StatusAway},
		{15 * time.Minute, desk.StatusAvailable}, {4 * time.Hour, desk.StatusOffline}}
	for _, st := range steps {
		f.clock.Add(st.after)
		if _, err := f.s.SetAgentStatus(f.as(ann), ann.ID, st.status); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Add(2 * time.Hour)
	_, err := f.s.Utilization(f.as(sup), f.clock.Now(), created)
	wantCode(t, err, desk.EINVALID)
	// The created day 09:00 → 22:00 offline, 22:00 → 01:00 available, ...
	midnight := time.Date(created.Year(), created.Month(), created.Day()+1, 0, 0, 0, 0, time.UTC)
	for _, w := range []struct {
		from, to time.Time
		want     map[string]float64
	}{
		{created, f.clock.Now(), map[string]float64{"offline": 13*3600 + 2*3600, "available": 7 * 3600, "busy": 2700, "away": 900}},
		{created, midnight, map[string]float64{"offline": 13 * 3600, "available": 2 * 3600}},
		{midnight, midnight.Add(24 * time.Hour), map[string]float64{"available": 5 * 3600, "busy": 2700, "away": 900, "offline": 2 * 3600}},
	} {
		rows, err := f.s.Utilization(f.as(sup), w.from, w.to)
		if err != nil {
			t.Fatal(err)
		}
		var row *desk.Utilization
		for _, r := range rows {
			if r.AgentID == ann.ID {
				row = r
			}
		}
		if row == nil {
			t.Fatalf("no row for ann in %v–%v", w.from, w.to)
		}
		total := 0.0
		for st, sec := range w.want {
			total += sec
			if row.Seconds[st] != sec {
				t.Fatalf("%v–%v %s: %v s, want %v (all %v)", w.from, w.to, st, row.Seconds[st], sec, row.Seconds)
			}
		}
		if row.Total != total {
			t.Fatalf("total %v, want %v", row.Total, total)
		}
	}
}
