package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/routing"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// setAuto turns automatic assignment on for a queue.
func (f *fixture) setAuto(q desk.ID, returnOnOffline bool) {
	f.t.Helper()
	on := true
	if _, err := f.s.UpdateQueue(f.sys, q, desk.QueueUpdate{AutoAssign: &on, ReturnOnOffline: &returnOnOffline}); err != nil {
		f.t.Fatal(err)
	}
}

// available sets agents Available.
func (f *fixture) available(agents ...*desk.Agent) {
	f.t.Helper()
	for _, a := range agents {
		if _, err := f.s.SetAgentStatus(f.sys, a.ID, desk.StatusAvailable); err != nil {
			f.t.Fatal(err)
		}
	}
}

func (f *fixture) setPriority(id desk.ID, p string) {
	f.t.Helper()
	if _, err := f.s.UpdateConversation(f.sys, id, desk.ConversationUpdate{Priority: &p}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) assignee(id desk.ID) desk.ID {
	f.t.Helper()
	c, err := f.s.FindConversationByID(f.sys, id)
	if err != nil {
		f.t.Fatal(err)
	}
	if c.AssigneeID == nil {
		return 0
	}
	return *c.AssigneeID
}

// testAutoAssignNext checks the store's choice (B3, A10) step by step.
func testAutoAssignNext(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Sales")
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	bob := f.MustAgent("bob@example.com", desk.RoleAgent, q.ID)
	cat := f.MustAgent("cat@example.com", desk.RoleAgent) // not in Sales
	low := f.MustIngest("+15550201", "a1", "hi", q.ID).Conversation
	f.clock.Add(1)
	old := f.MustIngest("+15550202", "a2", "hi", q.ID).Conversation
	f.clock.Add(1)
	urgent := f.MustIngest("+15550203", "a3", "hi", q.ID).Conversation
	f.clock.Add(1)
	young := f.MustIngest("+15550204", "a4", "hi", q.ID).Conversation
	f.setPriority(low.ID, desk.PriorityLow)
	f.setPriority(urgent.ID, desk.PriorityUrgent)

	if c, err := f.next(q.ID); err != nil || c != nil {
		t.Fatalf("queue without automatic assignment: %v %v", c, err)
	}
	_, err := f.s.AutoAssign(f.as(ann), q.ID, 1)
	wantCode(t, err, desk.EFORBIDDEN)
	f.setAuto(q.ID, false)
	f.available(cat)
	if c, _ := f.next(q.ID); c != nil {
		t.Fatal("nobody of the queue is available, yet assigned")
	}
	f.available(ann, bob)
	if _, err := f.s.SetAgentStatus(f.sys, bob.ID, desk.StatusAway); err != nil {
		t.Fatal(err)
	}
	// Priority first, then the oldest; only Ann may work.
	for i, want := range []desk.ID{urgent.ID, old.ID, young.ID, low.ID} {
		c, err := f.next(q.ID)
		if err != nil || c == nil || c.ConversationID != want || c.AgentID != ann.ID {
			t.Fatalf("pick %d: %+v %v, want conversation %s to ann", i, c, err, want)
		}
	}
	evs, _ := f.s.FindEvents(f.sys, urgent.ID)
	if last := evs[len(evs)-1]; last.Type != desk.EventAssigned || last.Data["automatic"] != true {
		t.Fatalf("event: %+v", last)
	}
	// Capacity 5: one more fits, then none.
	e1 := f.MustIngest("+15550205", "a5", "hi", q.ID).Conversation
	e2 := f.MustIngest("+15550206", "a6", "hi", q.ID).Conversation
	if c, _ := f.next(q.ID); c == nil || c.ConversationID != e1.ID {
		t.Fatalf("fifth: %+v", c)
	}
	if c, _ := f.next(q.ID); c != nil {
		t.Fatalf("above capacity: %+v", c)
	}
	// Least loaded first: Bob (0) gets the next once Available.
	f.available(bob)
	if c, _ := f.next(q.ID); c == nil || c.ConversationID != e2.ID || c.AgentID != bob.ID {
		t.Fatalf("least loaded: %+v", c)
	}
	// Per-channel capacity: Bob takes one SMS at most.
	caps := map[string]int{desk.ChannelSMS: 1}
	if _, err := f.s.UpdateAgent(f.sys, bob.ID, desk.AgentUpdate{ChannelCapacity: &caps}); err != nil {
		t.Fatal(err)
	}
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(f.sys, urgent.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	e3 := f.MustIngest("+15550207", "a7", "hi", q.ID).Conversation
	if c, _ := f.next(q.ID); c == nil || c.ConversationID != e3.ID || c.AgentID != ann.ID {
		t.Fatalf("channel capacity should pass Bob over: %+v", c)
	}
	a, _ := f.s.FindAgentByID(f.sys, ann.ID)
	b, _ := f.s.FindAgentByID(f.sys, bob.ID)
	if a.Load != 5 || b.Load != 1 {
		t.Fatalf("loads ann %d bob %d", a.Load, b.Load)
	}
	// Going Offline returns work where the queue asks for it.
	f.setAuto(q.ID, true)
	if _, err := f.s.SetAgentStatus(f.sys, bob.ID, desk.StatusOffline); err != nil {
		t.Fatal(err)
	}
	if f.assignee(e2.ID) != 0 {
		t.Fatal("bob's conversation stayed with him offline")
	}
	if b, _ = f.s.FindAgentByID(f.sys, bob.ID); b.Load != 0 {
		t.Fatalf("bob load %d", b.Load)
	}
}

// next runs one automatic assignment in queue q.
func (f *fixture) next(q desk.ID) (*desk.Assignment, error) {
	got, err := f.s.AutoAssign(f.sys, q, 1)
	if err != nil || len(got) == 0 {
		return nil, err
	}
	return &got[0], nil
}

// startAssigners runs n Assigners on the store's changes (n > 1 stands in
// for several nodes) until the test ends; sync waits for all of them.
func (f *fixture) startAssigners(n int) func() {
	ctx, cancel := context.WithCancel(context.Background())
	var as []*routing.Assigner
	var hs []desk.ChangeHandler
	var wg sync.WaitGroup
	for range n {
		a := routing.NewAssigner(f.s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a.Sweep = 0
		as, hs = append(as, a), append(hs, a.HandleChanges)
		wg.Add(1)
		go func() { defer wg.Done(); a.Run(ctx) }()
	}
	f.onChanges(desk.ChangeHandlers(hs...))
	f.t.Cleanup(func() { cancel(); wg.Wait() })
	return func() {
		for _, a := range as {
			a.Sync()
		}
	}
}

// testAssigner checks that assignment follows changes at once (B3), with
// the Assigner alone or (inline) also inside the writes where the store
// can do that.
func testAssigner(t *testing.T, open Opener, inline bool) {
	f := newFixtureWith(t, open, sqlstore.Options{InlineAssign: inline})
	if inline && !f.inline() {
		t.Log("the store does not assign inline; the Assigner-only run covers it")
		return
	}
	q := f.MustQueue("Support")
	f.setAuto(q.ID, false)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent, q.ID)
	settle := f.startAssigners(1)
	one := 1
	if _, err := f.s.UpdateAgent(f.sys, ann.ID, desk.AgentUpdate{Capacity: &one}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetAgentStatus(f.sys, ann.ID, desk.StatusAway); err != nil {
		t.Fatal(err)
	}
	first := f.MustIngest("+15550301", "b1", "hi", q.ID).Conversation
	f.clock.Add(1)
	second := f.MustIngest("+15550302", "b2", "hi", q.ID).Conversation
	f.clock.Add(1)
	third := f.MustIngest("+15550303", "b3", "hi", q.ID).Conversation
	f.setPriority(third.ID, desk.PriorityHigh)
	settle()
	if f.assignee(first.ID) != 0 {
		t.Fatal("an Away agent got work")
	}
	f.available(ann)
	settle()
	if f.assignee(third.ID) != ann.ID || f.assignee(first.ID) != 0 {
		t.Fatal("becoming Available should pull the highest-priority waiting conversation at once")
	}
	closed := desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, third.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	settle()
	if f.assignee(first.ID) != ann.ID {
		t.Fatal("freeing capacity should pull the oldest waiting conversation at once")
	}
	// A new member of the queue takes what waits.
	bob := f.MustAgent("bob@example.com", desk.RoleAgent)
	f.available(bob)
	if err := f.s.AddQueueMember(f.sys, q.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	settle()
	if f.assignee(second.ID) != bob.ID {
		t.Fatal("joining a queue should pull its waiting work")
	}
	// Transfer to a queue re-enters automatic assignment there.
	other := f.MustQueue("Other")
	f.setAuto(other.ID, false)
	cat := f.MustAgent("cat@example.com", desk.RoleAgent, other.ID)
	f.available(cat)
	if _, err := f.s.TransferConversation(f.sys, second.ID, desk.Transfer{QueueID: &other.ID}); err != nil {
		t.Fatal(err)
	}
	settle()
	if f.assignee(second.ID) != cat.ID {
		t.Fatal("a queue transfer should be assigned in the new queue")
	}
}

// testAssignFairness is the invariant of B3/A10: 100 agents of equal
// capacity, all Available, 5,000 conversations arriving from 8 goroutines
// while two assigners (two "nodes") work — and, inline, the writes
// themselves assign too: loads end equal within one and nobody is ever
// above capacity, also once the queue is saturated and freed room is
// taken again.
func testAssignFairness(t *testing.T, open Opener, inline bool) {
	if testing.Short() {
		t.Skip("6,200 conversations for 100 agents: not in the fast tier (-short)")
	}
	f := newFixtureWith(t, open, sqlstore.Options{InlineAssign: inline})
	if inline && !f.inline() {
		t.Log("the store does not assign inline; the Assigner-only run covers it")
		return
	}
	q := f.MustQueue("Busy")
	f.setAuto(q.ID, false)
	const agents, capacity = 100, 60
	ids := make([]desk.ID, agents)
	for i := range agents {
		a := &desk.Agent{Email: fmt.Sprintf("a%03d@example.com", i), Role: desk.RoleAgent, Capacity: capacity, QueueIDs: []desk.ID{q.ID}}
		if err := f.s.CreateAgent(f.sys, a); err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	settle := f.startAssigners(2)
	for _, id := range ids {
		if _, err := f.s.SetAgentStatus(f.sys, id, desk.StatusAvailable); err != nil {
			t.Fatal(err)
		}
	}
	f.ingestMany(t, q.ID, 0, 5000)
	settle()
	checkSpread(t, countLoads(t, f, q.ID), ids, capacity, 50)
	checkStoredLoads(t, f, q.ID, ids)
	// Saturate: 6,200 for 6,000 places, then close some; the freed places
	// are taken from the waiting queue.
	f.ingestMany(t, q.ID, 5000, 6200)
	settle()
	checkSpread(t, countLoads(t, f, q.ID), ids, capacity, capacity)
	checkStoredLoads(t, f, q.ID, ids)
	page, _, err := f.s.FindConversations(f.sys, desk.ConversationFilter{View: desk.ViewAll, QueueID: &q.ID, Limit: 150})
	if err != nil {
		t.Fatal(err)
	}
	closed := desk.ConversationClosed
	for i, c := range page {
		if i%3 == 0 && c.AssigneeID != nil {
			if _, err := f.s.UpdateConversation(f.sys, c.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
	}
	settle()
	checkSpread(t, countLoads(t, f, q.ID), ids, capacity, capacity)
	checkStoredLoads(t, f, q.ID, ids)
}

// ingestMany ingests messages from new customers [from, to) in queue q
// from 8 goroutines.
func (f *fixture) ingestMany(t *testing.T, q desk.ID, from, to int) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + w; i < to; i += 8 {
				in := &desk.InboundMessage{Channel: desk.ChannelSMS, From: fmt.Sprintf("+1999%06d", i), To: "x", Text: "hi",
					ExternalID: fmt.Sprint("f", i), QueueID: q}
				if _, err := f.s.IngestMessage(f.sys, in); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// countLoads counts each agent's active conversations from the
// conversations themselves, not from the stored load.
func countLoads(t *testing.T, f *fixture, q desk.ID) map[desk.ID]int {
	t.Helper()
	loads := map[desk.ID]int{}
	fl := desk.ConversationFilter{View: desk.ViewAll, QueueID: &q, Limit: 200}
	for {
		page, next, err := f.s.FindConversations(f.sys, fl)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			if c.AssigneeID != nil && (c.Status == desk.ConversationOpen || c.Status == desk.ConversationWaiting) {
				loads[*c.AssigneeID]++
			}
		}
		if next == "" {
			return loads
		}
		fl.Cursor = next
	}
}

// checkStoredLoads checks that each agent's stored load (what capacity is
// checked against, A10) is its active conversations as counted: the
// batch write raises loads instead of recounting them (PostgreSQL), so a
// lost or doubled increment would show here.
func checkStoredLoads(t *testing.T, f *fixture, q desk.ID, ids []desk.ID) {
	t.Helper()
	counted := countLoads(t, f, q)
	for _, id := range ids {
		a, err := f.s.FindAgentByID(f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Load != counted[id] {
			t.Fatalf("agent %s: stored load %d, %d active conversations", id, a.Load, counted[id])
		}
	}
}

func checkSpread(t *testing.T, loads map[desk.ID]int, ids []desk.ID, capacity, wantMin int) {
	t.Helper()
	lo, hi := capacity+1, -1
	for _, id := range ids {
		n := loads[id]
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi > capacity {
		t.Fatalf("an agent holds %d conversations, capacity %d", hi, capacity)
	}
	if hi-lo > 1 || lo < wantMin-1 {
		t.Fatalf("loads range %d..%d; want spread ≤ 1 near %d", lo, hi, wantMin)
	}
}
