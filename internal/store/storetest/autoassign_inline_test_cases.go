package storetest

import (
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// inline reports whether the fixture's store, opened with
// Options.InlineAssign, assigns inside its writes.
func (f *fixture) inline() bool { return f.s.InlineAssign() }

// testAssignInline checks assignment inside the writes themselves, with
// no Assigner running: an arrival is assigned in its own commit (its
// changes come before the assignment's), an Away agent gets nothing,
// capacity holds, and a solve hands the freed place to the waiting
// conversation of highest priority in the solve's commit. A store that
// cannot do it exactly (several writers) must say so and change nothing.
func testAssignInline(t *testing.T, open Opener) {
	f := newFixtureWith(t, open, sqlstore.Options{InlineAssign: true})
	q := f.MustQueue("Inline")
	f.setAuto(q.ID, false)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	bob := f.MustAgent("bob@example.com", desk.RoleAgent, q.ID)
	one := 1
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{Capacity: &one}); err != nil {
		t.Fatal(err)
	}
	f.available(ann)
	if _, err := f.s.SetAgentStatus(f.sys, bob.ID, desk.StatusAway); err != nil {
		t.Fatal(err)
	}
	changes := f.recordChanges()
	inline := f.inline()
	first := f.MustIngest("+15550601", "i1", "hi", q.ID).Conversation
	if !inline {
		if f.assignee(first.ID) != 0 {
			t.Fatal("a store without inline assignment assigned inside the ingest")
		}
		return
	}
	if f.assignee(first.ID) != ann.ID {
		t.Fatal("the arrival was not assigned in its own write")
	}
	var types []string
	for _, ch := range changes() {
		types = append(types, ch.Type)
	}
	if want := []string{desk.ChangeConversationCreated, desk.ChangeMessageCreated, desk.ChangeConversationAssigned}; !slices.Equal(types, want) {
		t.Fatalf("changes %v, want %v", types, want)
	}
	evs, _ := f.s.FindEvents(f.sys, first.ID)
	if last := evs[len(evs)-1]; last.Type != desk.EventAssigned || last.Data["automatic"] != true {
		t.Fatalf("event: %+v", last)
	}
	// Ann is full and Bob Away: the next two wait.
	f.clock.Add(1)
	second := f.MustIngest("+15550602", "i2", "hi", q.ID).Conversation
	f.clock.Add(1)
	third := f.MustIngest("+15550603", "i3", "hi", q.ID).Conversation
	if f.assignee(second.ID) != 0 || f.assignee(third.ID) != 0 {
		t.Fatal("assigned above capacity or to an Away agent")
	}
	f.setPriority(third.ID, desk.PriorityHigh)
	// Solving frees Ann's place: the high-priority one takes it at once.
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(f.sys, first.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if f.assignee(third.ID) != ann.ID || f.assignee(second.ID) != 0 {
		t.Fatal("the freed place should go to the highest-priority waiting conversation in the solve's write")
	}
	if a, _ := f.s.FindAgentByID(f.sys, ann.ID); a.Load != 1 {
		t.Fatalf("ann's load %d, want 1", a.Load)
	}
	// A store opened without it leaves assignment to the Assigner.
	g := newFixture(t, open)
	if g.inline() {
		t.Fatal("inline assignment on without being asked for")
	}
	gq := g.MustQueue("Inline")
	g.setAuto(gq.ID, false)
	cat := g.MustAgent("cat@example.com", desk.RoleAgent, gq.ID)
	g.available(cat)
	if c := g.MustIngest("+15550611", "o1", "hi", gq.ID).Conversation; g.assignee(c.ID) != 0 {
		t.Fatal("assigned inline while not asked for")
	}
}
