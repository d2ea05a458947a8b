package sla

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// countingStore counts the reads the tracker makes; queue 1 has a policy.
type countingStore struct {
	mu     sync.Mutex
	loads  int
	queues []desk.ID
}

func (s *countingStore) LoadSLAInput(ctx context.Context, id desk.ID) (*desk.SLAInput, error) {
	s.mu.Lock()
	s.loads++
	s.mu.Unlock()
	return &desk.SLAInput{ConversationID: id}, nil
}
func (s *countingStore) SaveSLAStatus(context.Context, *desk.SLAStatus) ([]string, error) {
	return nil, nil
}
func (s *countingStore) FindSLADue(context.Context, time.Time, int) ([]desk.ID, error) {
	return nil, nil
}
func (s *countingStore) FindConversationsWithoutSLA(context.Context, desk.ID, int) ([]desk.ID, error) {
	return nil, nil
}
func (s *countingStore) FindOpenConversationsForSLA(context.Context, desk.ID, desk.ID, int) ([]desk.ID, error) {
	return nil, nil
}
func (s *countingStore) FindSLAPolicyQueues(context.Context) ([]desk.ID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]desk.ID(nil), s.queues...), nil
}

func (t *Tracker) dirtyIDs() map[desk.ID]bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[desk.ID]bool{}
	for id := range t.dirty {
		out[id] = true
	}
	clear(t.dirty)
	return out
}

// A change of a conversation in a queue without a policy marks nothing
// (no read follows); one in a policy's queue, or moved out of one, does.
// Before the queues are known, every change is marked (as before).
func TestTrackerSkipsQueuesWithoutPolicy(t *testing.T) {
	st := &countingStore{queues: []desk.ID{1}}
	tr := NewTracker(st, desk.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	msg := func(conv, queue, from desk.ID) desk.Change {
		return desk.Change{Type: desk.ChangeMessageCreated, ConversationID: conv, QueueID: queue, FromQueueID: from}
	}
	tr.HandleChanges([]desk.Change{msg(10, 2, 0)})
	if got := tr.dirtyIDs(); !got[10] {
		t.Fatalf("before the policy queues are read: %v", got)
	}
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	if moved, err := tr.RefreshPolicyQueues(ctx); err != nil || len(moved) != 0 {
		t.Fatalf("first refresh: %v %v", moved, err)
	}
	tr.HandleChanges([]desk.Change{msg(10, 2, 0), msg(11, 1, 0), msg(12, 2, 1), msg(13, 0, 0),
		{Type: desk.ChangeConversationTransferred, ConversationID: 14, QueueID: 3, FromQueueID: 2}})
	got := tr.dirtyIDs()
	if got[10] || got[14] || !got[11] || !got[12] || !got[13] || len(got) != 3 {
		t.Fatalf("marked %v, want 11 (policy queue), 12 (moved out of it), 13 (queue unknown)", got)
	}
	if err := tr.Sync(ctx); err != nil || st.loads != 0 {
		t.Fatalf("reads: %d %v", st.loads, err)
	}
	// Another node adds a policy to queue 2: the next refresh reports it
	// (the tracker then recomputes the queue) and its changes count again.
	st.queues = []desk.ID{1, 2}
	if moved, err := tr.RefreshPolicyQueues(ctx); err != nil || len(moved) != 1 || moved[0] != 2 {
		t.Fatalf("refresh after a new policy: %v %v", moved, err)
	}
	tr.HandleChanges([]desk.Change{msg(10, 2, 0)})
	if got := tr.dirtyIDs(); !got[10] {
		t.Fatalf("after the policy: %v", got)
	}
	st.queues = nil
	if moved, _ := tr.RefreshPolicyQueues(ctx); len(moved) != 2 {
		t.Fatalf("refresh after every policy went: %v", moved)
	}
}
