package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testActivity is A6 with the automatic statuses (A3): every status the
// agent passes through is recorded — Idle, Under/Full capacity as
// automatic assignment and solving change the load, Ringing, In a call
// and Wrap-up from the call lifecycle, and the statuses set by hand — with
// totals and a timeline clipped to the period.
func testActivity(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Sales")
	f.setAuto(q.ID, false)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	two := 2
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{Capacity: &two}); err != nil {
		t.Fatal(err)
	}
	t0 := f.clock.Now()
	step := func(d time.Duration, do func()) {
		t.Helper()
		f.clock.Add(d)
		do()
	}
	var c1, c2 *desk.Conversation
	assign := func() {
		t.Helper()
		if got, err := f.s.AutoAssign(f.sys, q.ID, 1); err != nil || len(got) != 1 {
			t.Fatalf("assign: %+v %v", got, err)
		}
	}
	call := func(state string) func() {
		return func() {
			t.Helper()
			if _, err := f.s.SetCallState(f.sys, ann.ID, state); err != nil {
				t.Fatal(err)
			}
		}
	}
	step(10*time.Second, func() { f.available(ann) })
	step(20*time.Second, func() { c1 = f.MustIngest("+15550901", "u1", "hi", q.ID).Conversation; assign() })
	step(30*time.Second, func() { c2 = f.MustIngest("+15550902", "u2", "hi", q.ID).Conversation; assign() })
	step(40*time.Second, func() {
		solved := desk.ConversationSolved
		if _, err := f.s.UpdateConversation(f.sys, c1.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
			t.Fatal(err)
		}
	})
	step(5*time.Second, call(desk.CallRinging))
	step(5*time.Second, call(desk.CallInCall))
	step(60*time.Second, call(desk.CallWrapUp))
	step(10*time.Second, call(""))
	step(15*time.Second, func() {
		if _, err := f.s.SetAgentStatus(f.sys, ann.ID, desk.StatusBusy); err != nil {
			t.Fatal(err)
		}
	})
	f.clock.Add(10 * time.Second)
	_ = c2

	got, err := f.s.Activity(f.as(sup), t0, f.clock.Now(), &ann.ID, true)
	if err != nil || len(got) != 1 {
		t.Fatalf("activity: %+v %v", got, err)
	}
	a := got[0]
	want := map[string]float64{desk.StatusOffline: 10, desk.AutoIdle: 20, desk.AutoUnderCapacity: 30 + 5 + 15, desk.AutoFullCapacity: 40,
		desk.CallRinging: 5, desk.CallInCall: 60, desk.CallWrapUp: 10, desk.StatusBusy: 10}
	for st, sec := range want {
		if a.Seconds[st] != sec {
			t.Fatalf("%s: %v s, want %v (all: %v)", st, a.Seconds[st], sec, a.Seconds)
		}
	}
	if len(a.Seconds) != len(want) || a.Total != 205 {
		t.Fatalf("seconds %v total %v", a.Seconds, a.Total)
	}
	order := []string{desk.StatusOffline, desk.AutoIdle, desk.AutoUnderCapacity, desk.AutoFullCapacity, desk.AutoUnderCapacity,
		desk.CallRinging, desk.CallInCall, desk.CallWrapUp, desk.AutoUnderCapacity, desk.StatusBusy}
	if len(a.Timeline) != len(order) {
		t.Fatalf("timeline %+v", a.Timeline)
	}
	for i, sp := range a.Timeline {
		if sp.Status != order[i] || (i > 0 && !sp.From.Equal(a.Timeline[i-1].To)) {
			t.Fatalf("timeline %d: %+v (all %+v)", i, sp, a.Timeline)
		}
	}
	if !a.Timeline[0].From.Equal(t0) || !a.Timeline[len(order)-1].To.Equal(f.clock.Now()) {
		t.Fatalf("timeline bounds %+v", a.Timeline)
	}
	// A window across a change clips: 10 s of Under, 20 of Full capacity.
	from := t0.Add(50 * time.Second)
	got, _ = f.s.Activity(f.as(sup), from, from.Add(30*time.Second), &ann.ID, false)
	if len(got) != 1 || got[0].Seconds[desk.AutoUnderCapacity] != 10 || got[0].Seconds[desk.AutoFullCapacity] != 20 || got[0].Total != 30 {
		t.Fatalf("clipped: %+v", got)
	}
}
