package sla

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Store is what the tracker needs of the store.
type Store interface {
	LoadSLAInput(ctx context.Context, conversationID desk.ID) (*desk.SLAInput, error)
	SaveSLAStatus(ctx context.Context, st *desk.SLAStatus) ([]string, error)
	FindSLADue(ctx context.Context, t time.Time, limit int) ([]desk.ID, error)
	FindConversationsWithoutSLA(ctx context.Context, afterID desk.ID, limit int) ([]desk.ID, error)
	FindOpenConversationsForSLA(ctx context.Context, queueID, afterID desk.ID, limit int) ([]desk.ID, error)
	FindSLAPolicyQueues(ctx context.Context) ([]desk.ID, error)
}

// Tracker keeps conversations' SLA status up to date: it recomputes a
// conversation when a change touches it (HandleChanges, on this node's
// writes) and, every Interval, the conversations with a target falling
// due (on every node; the store records each breach once). The cost is
// per change and per deadline, never per open conversation per tick.
type Tracker struct {
	Store    Store
	Clock    desk.Clock
	Log      *slog.Logger
	Interval time.Duration
	// OnSaved, if set, is told of each conversation whose status was
	// saved (the report recorder refreshes its fact after the tracker).
	OnSaved func(id desk.ID)

	mu    sync.Mutex
	dirty map[desk.ID]bool
	// policyQueues are the queues with a policy, read at start, after a
	// change of rules and every Interval (rules changed on another node);
	// nil until first read. A change of a conversation in none of them
	// (nor moved out of one) costs nothing: no policy applies, and a clock
	// left running is stopped by the deadline sweep.
	policyQueues map[desk.ID]bool
	// queues are queues whose rules changed (0: a calendar, any queue).
	queues map[desk.ID]bool
	wake   chan struct{}
}

// NewTracker returns a tracker polling deadlines every interval.
func NewTracker(s Store, clock desk.Clock, log *slog.Logger, interval time.Duration) *Tracker {
	return &Tracker{Store: s, Clock: clock, Log: log, Interval: interval, dirty: map[desk.ID]bool{}, queues: map[desk.ID]bool{}, wake: make(chan struct{}, 1)}
}

// HandleChanges marks the conversations of committed changes for
// recomputing. It never blocks (it runs on the store's writer).
func (t *Tracker) HandleChanges(changes []desk.Change) {
	marked := false
	t.mu.Lock()
	pq := t.policyQueues
	for _, c := range changes {
		if c.Type == desk.ChangeSLARules {
			t.queues[c.QueueID] = true
			marked = true
			continue
		}
		if c.ConversationID == 0 || c.Type == desk.ChangeSLABreached || c.Type == desk.ChangeSLAUpdated {
			continue
		}
		switch c.Type {
		case desk.ChangeConversationCreated, desk.ChangeConversationUpdated, desk.ChangeMessageCreated,
			desk.ChangeConversationTransferred, desk.ChangeConversationAssigned, desk.ChangeConversationHandedOff:
			if pq != nil && c.QueueID != 0 && !pq[c.QueueID] && (c.FromQueueID == 0 || !pq[c.FromQueueID]) {
				continue // no policy applies: nothing to read
			}
			t.dirty[c.ConversationID] = true
			marked = true
		}
	}
	t.mu.Unlock()
	if marked {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

// Run recomputes marked conversations and sweeps deadlines until ctx ends.
func (t *Tracker) Run(ctx context.Context) {
	ctx = desk.NewContextWithActor(ctx, desk.SystemActor)
	if _, err := t.RefreshPolicyQueues(ctx); err != nil && ctx.Err() == nil {
		t.Log.Error("sla: reading queues with a policy", "err", err)
	}
	if err := t.Backfill(ctx); err != nil && ctx.Err() == nil {
		t.Log.Error("sla: backfill", "err", err)
	}
	tick := time.NewTicker(t.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.wake:
		case <-tick.C:
			if err := t.Sweep(ctx); err != nil && ctx.Err() == nil {
				t.Log.Error("sla: sweep deadlines", "err", err)
			}
			// Rules changed on another node: recompute the queues that
			// gained or lost a policy here too (that node did as well).
			moved, err := t.RefreshPolicyQueues(ctx)
			if err != nil && ctx.Err() == nil {
				t.Log.Error("sla: reading queues with a policy", "err", err)
			}
			t.mu.Lock()
			for _, q := range moved {
				t.queues[q] = true
			}
			t.mu.Unlock()
		}
		t.mu.Lock()
		ids := make([]desk.ID, 0, len(t.dirty))
		for id := range t.dirty {
			ids = append(ids, id)
		}
		clear(t.dirty)
		queues := make([]desk.ID, 0, len(t.queues))
		for q := range t.queues {
			queues = append(queues, q)
		}
		clear(t.queues)
		t.mu.Unlock()
		if len(queues) > 0 {
			if _, err := t.RefreshPolicyQueues(ctx); err != nil && ctx.Err() == nil {
				t.Log.Error("sla: reading queues with a policy", "err", err)
			}
		}
		if err := t.Sync(ctx, ids...); err != nil && ctx.Err() == nil {
			t.Log.Error("sla: recompute", "err", err)
		}
		for _, q := range queues {
			if err := t.Resync(ctx, q); err != nil && ctx.Err() == nil {
				t.Log.Error("sla: recompute after rules changed", "queue", q, "err", err)
			}
		}
	}
}

// Sweep recomputes every conversation with a target falling due by now,
// which records its breaches.
func (t *Tracker) Sweep(ctx context.Context) error {
	// Bounded rounds: a full page is read again only while progress is made.
	for round := 0; round < 50; round++ {
		ids, err := t.Store.FindSLADue(ctx, t.Clock.Now(), 200)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := t.Sync(ctx, ids...); err != nil {
			return err
		}
		if len(ids) < 200 {
			return nil
		}
	}
	return nil
}

// Sync recomputes and stores the SLA status of conversations; ones no
// policy applies to are skipped. A conversation that no longer exists is
// not an error.
func (t *Tracker) Sync(ctx context.Context, ids ...desk.ID) error {
	for _, id := range ids {
		in, err := t.Store.LoadSLAInput(ctx, id)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		st, err := Evaluate(in, t.Clock.Now())
		if err != nil {
			return err
		}
		if st == nil {
			if in.Stored == nil || in.Stored.NextDue == nil {
				continue
			}
			// The policy went away: keep the record, stop the clock.
			st = in.Stored
			st.NextDue = nil
			st.QueueID = in.QueueID
		}
		breached, err := t.Store.SaveSLAStatus(ctx, st)
		if err != nil {
			return err
		}
		for _, target := range breached {
			t.Log.Info("sla: target breached", "conversation", id, "target", target)
		}
		if t.OnSaved != nil {
			t.OnSaved(id)
		}
	}
	return nil
}

// Backfill computes the status of open conversations of queues with a
// policy that have none (from before the policy, or missed while a node
// stopped), a page at a time.
func (t *Tracker) Backfill(ctx context.Context) error {
	return desk.EachIDPage(200, func(after desk.ID, n int) ([]desk.ID, error) {
		return t.Store.FindConversationsWithoutSLA(ctx, after, n)
	}, func(ids []desk.ID) error { return t.Sync(ctx, ids...) })
}

// Resync recomputes the open conversations of a queue whose policy or
// calendar changed (0: every queue with a policy or a status).
func (t *Tracker) Resync(ctx context.Context, queueID desk.ID) error {
	return desk.EachIDPage(200, func(after desk.ID, n int) ([]desk.ID, error) {
		return t.Store.FindOpenConversationsForSLA(ctx, queueID, after, n)
	}, func(ids []desk.ID) error { return t.Sync(ctx, ids...) })
}

// RefreshPolicyQueues reads the queues with a policy and returns those
// that gained or lost one since the last read (none on the first).
func (t *Tracker) RefreshPolicyQueues(ctx context.Context) ([]desk.ID, error) {
	ids, err := t.Store.FindSLAPolicyQueues(ctx)
	if err != nil {
		return nil, err
	}
	set := make(map[desk.ID]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	t.mu.Lock()
	old := t.policyQueues
	t.policyQueues = set
	t.mu.Unlock()
	if old == nil {
		return nil, nil
	}
	var moved []desk.ID
	for q := range set {
		if !old[q] {
			moved = append(moved, q)
		}
	}
	for q := range old {
		if !set[q] {
			moved = append(moved, q)
		}
	}
	return moved, nil
}
