package realtime_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/realtime"
)

// heldStore is the real store whose next CountQueues call, once armed,
// waits until the test releases it: changes made meanwhile pile up.
type heldStore struct {
	desk.Store
	hold    atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (s *heldStore) CountQueues(ctx context.Context, ids []desk.ID) ([]desk.QueueCount, error) {
	if s.hold.CompareAndSwap(true, false) {
		s.entered <- struct{}{}
		<-s.release
	}
	return s.Store.CountQueues(ctx, ids)
}

// countsOf reads frames until a queue.counts frame gives queue q the
// wanted counts, failing on a count of a queue the client may not see.
func (c *conn) countsOf(q desk.ID, want desk.QueueCount, hidden ...desk.ID) {
	c.t.Helper()
	want.QueueID = q
	for {
		f := c.next()
		if f.Type != "queue.counts" {
			continue
		}
		for _, n := range f.Queues {
			for _, h := range hidden {
				if n.QueueID == h {
					c.t.Fatalf("counts of queue %v sent to a client that may not see it", h)
				}
			}
			if n == want {
				return
			}
		}
	}
}

func (e *env) conversationTo(q desk.ID) desk.ID {
	e.t.Helper()
	return e.ingest(fmt.Sprintf("+1555%07d", nextPhone.Add(1)), fmt.Sprint("qc", nextPhone.Load()), q).Conversation.ID
}

var nextPhone atomic.Int64

// TestQueueCounts: counts follow creates, assignments, solving, closing
// and transfers, reach only the clients that may see the queue, and a
// client joining gets the current counts at once.
func TestQueueCounts(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	tokA, idA := e.login("a@example.com", desk.RoleAgent, e.qa)
	tokSup, _ := e.login("sup@example.com", desk.RoleSupervisor)
	a, sup := e.dial(tokA, ""), e.dial(tokSup, "")
	c1, c2 := e.conversationTo(e.qa), e.conversationTo(e.qa)
	a.countsOf(e.qa, desk.QueueCount{Unassigned: 2}, e.qb)
	sup.countsOf(e.qa, desk.QueueCount{Unassigned: 2})

	if _, err := e.store.AssignConversation(e.sys, c1, idA); err != nil {
		t.Fatal(err)
	}
	a.countsOf(e.qa, desk.QueueCount{Unassigned: 1, Assigned: 1}, e.qb)
	solved, closed := desk.ConversationSolved, desk.ConversationClosed
	if _, err := e.store.UpdateConversation(e.sys, c1, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.UpdateConversation(e.sys, c2, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	// Solved still counts (it is not closed), closed does not.
	a.countsOf(e.qa, desk.QueueCount{Assigned: 1}, e.qb)

	// A transfer changes both queues; only the supervisor sees queue B.
	c3 := e.conversationTo(e.qa)
	a.countsOf(e.qa, desk.QueueCount{Unassigned: 1, Assigned: 1}, e.qb)
	if _, err := e.store.TransferConversation(e.sys, c3, desk.Transfer{QueueID: &e.qb}); err != nil {
		t.Fatal(err)
	}
	a.countsOf(e.qa, desk.QueueCount{Assigned: 1}, e.qb)
	sup.countsOf(e.qb, desk.QueueCount{Unassigned: 1})

	// A client that connects now gets the current counts in one frame.
	late := e.dial(tokSup, "")
	if f := late.next(); f.Type != "queue.counts" || len(f.Queues) != 3 { // Default, A, B
		t.Fatalf("first frame after hello: %+v, want the counts of 3 queues", f)
	}
	lateA := e.dial(tokA, "")
	f := lateA.next()
	if f.Type != "queue.counts" {
		t.Fatalf("agent's first frame after hello: %+v", f)
	}
	for _, n := range f.Queues {
		if n.QueueID == e.qb {
			t.Fatalf("agent of queue A got queue B's counts on connect: %+v", f)
		}
		if n.QueueID == e.qa && n != (desk.QueueCount{QueueID: e.qa, Assigned: 1}) {
			t.Fatalf("queue A on connect: %+v", n)
		}
	}

	// A new queue is counted at once; a deleted one is forgotten. (Queue
	// E is created after the deletion, so its count proves the deletion
	// was handled; D keeps SQLite from giving E the deleted queue's id.)
	qc, qd, qe := &desk.Queue{Name: "C"}, &desk.Queue{Name: "D"}, &desk.Queue{Name: "E"}
	for _, q := range []*desk.Queue{qc, qd} {
		if err := e.store.CreateQueue(e.sys, q); err != nil {
			t.Fatal(err)
		}
		sup.countsOf(q.ID, desk.QueueCount{})
	}
	if err := e.store.DeleteQueue(e.sys, qc.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateQueue(e.sys, qe); err != nil {
		t.Fatal(err)
	}
	sup.countsOf(qe.ID, desk.QueueCount{})
	f = e.dial(tokSup, "").next()
	for _, n := range f.Queues {
		if n.QueueID == qc.ID {
			t.Fatalf("deleted queue still counted: %+v", f)
		}
	}
	if len(f.Queues) != 5 { // Default, A, B, D, E
		t.Fatalf("counts on connect after a queue was deleted: %+v", f)
	}
}

// TestQueueCountsCoalesced: a burst of inbound conversations while a count
// runs becomes one frame with the final count, not one frame per change.
func TestQueueCountsCoalesced(t *testing.T) {
	var held *heldStore
	e := newEnvWith(t, realtime.Config{}, func(s desk.Store) realtime.HubStore {
		held = &heldStore{Store: s, entered: make(chan struct{}), release: make(chan struct{})}
		return held
	})
	tokA, _ := e.login("a@example.com", desk.RoleAgent, e.qa)
	a := e.dial(tokA, "")
	e.conversationTo(e.qa)
	a.countsOf(e.qa, desk.QueueCount{Unassigned: 1}, e.qb)

	// Hold the next count, make 49 conversations meanwhile, release.
	held.hold.Store(true)
	e.conversationTo(e.qa)
	<-held.entered
	const burst = 49
	for i := 1; i < burst; i++ {
		e.conversationTo(e.qa)
	}
	held.release <- struct{}{}
	// Two rounds that start later (each of queue B, which the agent does
	// not see) prove every round that counted queue A has sent its frame.
	for range 2 {
		held.hold.Store(true)
		e.conversationTo(e.qb)
		<-held.entered
		held.release <- struct{}{}
	}
	a.send(`{"type":"ping"}`)
	_, skipped := a.until("pong")
	var counts []int
	for _, f := range skipped {
		for _, n := range f.Queues {
			if n.QueueID == e.qb {
				t.Fatalf("agent of queue A got queue B's counts: %+v", n)
			}
			if n.QueueID == e.qa {
				counts = append(counts, n.Unassigned)
			}
		}
	}
	if len(counts) != 1 || counts[0] != 1+burst {
		t.Fatalf("queue A counts sent during the burst: %v, want one frame with %d", counts, 1+burst)
	}
}

// TestQueueCountsAcrossNodes: two hubs on one database, each fed every
// change (as NATS does), count for their own sockets whichever node made
// the change.
func TestQueueCountsAcrossNodes(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	node2 := e.secondNode()
	tokA, _ := e.login("a@example.com", desk.RoleAgent, e.qa)
	a2 := node2.dial(tokA, "")
	c := e.conversationTo(e.qa)
	a2.countsOf(e.qa, desk.QueueCount{Unassigned: 1}, e.qb)
	if _, err := e.store.TransferConversation(e.sys, c, desk.Transfer{QueueID: &e.qb}); err != nil {
		t.Fatal(err)
	}
	a2.countsOf(e.qa, desk.QueueCount{}, e.qb)
}
