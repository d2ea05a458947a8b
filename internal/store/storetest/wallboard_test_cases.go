package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testWallboardWaits: the waits the wallboard counts (issue 23), recorded
// by each store's triggers whatever path ends them. A wait answered by an
// assignment counts as answered, within the queue's target or not; one
// solved unanswered as abandoned; a transfer moves the wait to the new
// queue (the old one counts neither); a reopened conversation nobody
// holds waits from its reopening, not from its first wait; only the
// window's waits count; supervisors only.
func testWallboardWaits(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sales := f.MustQueue("Sales")
	support := f.MustQueue("Support")
	target := 30
	if _, err := f.s.UpdateQueue(f.sys, sales.ID, desk.QueueUpdate{ServiceLevelSeconds: &target}); err != nil {
		t.Fatal(err)
	}
	agent := f.MustAgent("a@example.com", desk.RoleAgent, sales.ID, support.ID)
	sup := f.MustAgent("s@example.com", desk.RoleSupervisor)
	read := func() map[desk.ID]desk.WallboardChannelRow {
		t.Helper()
		d, err := f.s.WallboardData(f.as(sup), nil, f.clock.Now().Add(-desk.WallboardWindow))
		if err != nil {
			t.Fatal(err)
		}
		m := map[desk.ID]desk.WallboardChannelRow{}
		for _, r := range d.Channels {
			m[r.QueueID] = r
		}
		return m
	}
	start := f.clock.Now()
	old := f.MustIngest("+15550009", "wb-0", "long ago", sales.ID).Conversation
	f.clock.Add(10 * time.Second)
	if _, err := f.s.AssignConversation(f.sys, old.ID, agent.ID); err != nil { // answered in 10 s, out of the window later
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Hour)

	fast := f.MustIngest("+15550001", "wb-1", "hi", sales.ID).Conversation
	slow := f.MustIngest("+15550002", "wb-2", "hi", sales.ID).Conversation
	gone := f.MustIngest("+15550003", "wb-3", "hi", sales.ID).Conversation
	moved := f.MustIngest("+15550004", "wb-4", "hi", sales.ID).Conversation
	m := read()
	if r := m[sales.ID]; r.Waiting != 4 || r.OldestSince == nil || !r.OldestSince.Equal(f.clock.Now()) || r.Answered != 0 {
		t.Fatalf("waiting: %+v", r)
	}
	f.clock.Add(20 * time.Second)
	if _, err := f.s.AssignConversation(f.sys, fast.ID, agent.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(40 * time.Second) // 60 s since they came in
	if _, err := f.s.AssignConversation(f.sys, slow.ID, agent.ID); err != nil {
		t.Fatal(err)
	}
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(f.sys, gone.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.TransferConversation(f.sys, moved.ID, desk.Transfer{QueueID: &support.ID}); err != nil {
		t.Fatal(err)
	}
	m = read()
	r := m[sales.ID]
	if r.Waiting != 0 || r.OldestSince != nil || r.Answered != 2 || r.AnsweredWithin != 1 || r.AnsweredWait != 80 ||
		r.Abandoned != 1 || r.AbandonedAfter != 1 {
		t.Fatalf("sales after: %+v", r)
	}
	if s := m[support.ID]; s.Waiting != 1 || !s.OldestSince.Equal(f.clock.Now()) || s.Answered != 0 || s.Abandoned != 0 {
		t.Fatalf("support, the moved wait: %+v", s)
	}

	// Solved unanswered, then the customer writes again: a new wait from now.
	f.clock.Add(time.Minute)
	f.MustIngest("+15550003", "wb-3b", "still there?", sales.ID)
	if r := read()[sales.ID]; r.Waiting != 1 || !r.OldestSince.Equal(f.clock.Now()) {
		t.Fatalf("reopened: %+v (now %v)", r, f.clock.Now())
	}
	if start.IsZero() {
		t.Fatal("clock")
	}

	// The retention run deletes wait records older than the week kept.
	waitsSince := func(since time.Time) int {
		d, err := f.s.WallboardData(f.as(sup), nil, since)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range d.Channels {
			n += r.Answered + r.Abandoned
		}
		return n
	}
	ps := f.s
	if _, err := ps.ApplyRetention(f.sys, f.clock.Now(), false); err != nil {
		t.Fatal(err)
	}
	if n := waitsSince(start); n != 4 { // the first answer, 2 answered, 1 abandoned
		t.Fatalf("ended waits kept a week: %d, want 4", n)
	}
	if _, err := ps.ApplyRetention(f.sys, f.clock.Now().Add(desk.QueueWaitsKept-time.Hour), false); err != nil {
		t.Fatal(err)
	}
	if n := waitsSince(start); n != 3 {
		t.Fatalf("the wait that ended over a week before the run: %d records left, want 3", n)
	}
}
