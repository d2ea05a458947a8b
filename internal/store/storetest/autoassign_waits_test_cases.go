package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testAutoAssignWaits: waits ended by automatic assignment in a batch are
// recorded once each, answered, with their length (the wallboard, issue
// 23), however the store writes the batch (PostgreSQL records them in the
// batch statement instead of the row trigger, migration 410); a wait
// ended by hand in the same transaction's queue is still recorded by the
// trigger.
func testAutoAssignWaits(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Waits")
	f.setAuto(q.ID, false)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("s@example.com", desk.RoleSupervisor)
	start := f.clock.Now()
	var convs []*desk.Conversation
	for i := range 5 {
		convs = append(convs, f.MustIngest(fmt.Sprintf("+1555060%d", i), fmt.Sprint("aw", i), "hi", q.ID).Conversation)
		f.clock.Add(10 * time.Second)
	}
	// One taken by hand first: the trigger records it.
	if _, err := f.s.AssignConversation(f.sys, convs[4].ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(10 * time.Second) // waits of 60, 50, 40, 30 s
	f.available(ann)
	got, err := f.s.AutoAssign(f.sys, q.ID, 10)
	if err != nil || len(got) != 4 {
		t.Fatalf("batch: %+v %v", got, err)
	}
	d, err := f.s.WallboardData(f.as(sup), nil, start)
	if err != nil {
		t.Fatal(err)
	}
	var answered int
	var wait float64
	for _, r := range d.Channels {
		if r.QueueID == q.ID {
			answered, wait = answered+r.Answered, wait+r.AnsweredWait
			if r.Waiting != 0 || r.Abandoned != 0 {
				t.Fatalf("row %+v", r)
			}
		}
	}
	// By hand: 10 s (the fifth came in at 40 s, was taken at 50 s); the
	// batch: 60 + 50 + 40 + 30 s.
	if answered != 5 || wait != 10+60+50+40+30 {
		t.Fatalf("answered %d, total wait %.0f s; want 5 and 190 s", answered, wait)
	}
}
