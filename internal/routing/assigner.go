package routing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/trace"
	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// assignStore is what the Assigner needs of the store.
type assignStore interface {
	AutoAssign(ctx context.Context, queueID desk.ID, max int) ([]desk.Assignment, error)
	FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error)
	FindQueues(ctx context.Context, f desk.QueueFilter) ([]*desk.Queue, string, error)
}

// Assigner runs automatic assignment (B3). It learns from the store's
// committed changes which queues may have new matches — a conversation
// started waiting, an agent became able to take work, capacity was freed,
// an agent joined — and works those queues until nothing more can be
// assigned. The store makes each assignment atomic and capacity-safe, so
// several nodes' Assigners may work one queue at once. Where the store also
// assigns inside the writes themselves (inline assignment, SQLite), most
// kicks find nothing left; the Assigner still takes what those writes do
// not cover (status changes, joins, a backlog). A slow safety sweep
// re-checks every queue in case a change was missed (a crash between
// commit and kick); it is not the mechanism.
type Assigner struct {
	store assignStore
	log   *slog.Logger
	// Sweep is the safety sweep's interval; 0 turns it off.
	Sweep time.Duration
	// OnAssign, if set, is told of each automatic assignment.
	OnAssign func(a desk.Assignment)

	wake chan struct{}
	mu   sync.Mutex
	cond *sync.Cond
	// Queues and agents (whose queues are then worked) to look at.
	queues, agents map[desk.ID]struct{}
	// traces holds, per queue to look at, the traceparent of the latest
	// change that asked for it: the assignment joins that trace.
	traces map[desk.ID]string
	// requested counts kicks; done is the count fully worked off.
	requested, taken, done uint64
	// memberOf caches freed agents' queues, so freed capacity costs no
	// agent lookup; any membership or agent change empties it and bumps
	// memberGen, so a lookup that raced with a change is not cached.
	memberOf  map[desk.ID][]desk.ID
	memberGen uint64
	// maxBatch is the most assignments asked of one AutoAssign call.
	maxBatch int
}

// batchSizer is a store that says how large a batch it writes best (see
// NewAssigner); 0 means the default.
type batchSizer interface{ MaxAutoAssignBatch() int }

// NewAssigner returns an Assigner over store; call Run to start it. A
// store that says MaxAutoAssignBatch sets how large batches grow while a
// backlog drains (default maxBatch).
func NewAssigner(store assignStore, log *slog.Logger) *Assigner {
	a := &Assigner{store: store, log: log, Sweep: time.Minute, wake: make(chan struct{}, 1), maxBatch: maxBatch,
		queues: map[desk.ID]struct{}{}, agents: map[desk.ID]struct{}{}, memberOf: map[desk.ID][]desk.ID{}, traces: map[desk.ID]string{}}
	if b, ok := store.(batchSizer); ok && b.MaxAutoAssignBatch() > 0 {
		a.maxBatch = max(batch, b.MaxAutoAssignBatch())
	}
	a.cond = sync.NewCond(&a.mu)
	return a
}

// HandleChanges is the store's change handler: it notes what to look at
// and wakes the worker, never blocking the writer.
func (a *Assigner) HandleChanges(changes []desk.Change) {
	a.mu.Lock()
	n := a.requested
	for _, ch := range changes {
		if ch.Type == desk.ChangeQueueMembers || ch.Type == desk.ChangeAgentUpdated {
			clear(a.memberOf)
			a.memberGen++
		}
		switch ch.Type {
		case desk.ChangeConversationCreated, desk.ChangeConversationUpdated, desk.ChangeConversationUnassigned,
			desk.ChangeConversationTransferred, desk.ChangeConversationHandedOff, desk.ChangeQueueMembers, desk.ChangeQueueUpdated:
			a.queues[ch.QueueID] = struct{}{}
			if ch.Trace != "" {
				a.traces[ch.QueueID] = ch.Trace
			}
			a.requested++
		case desk.ChangeAgentStatus, desk.ChangeAgentUpdated:
			for _, q := range ch.QueueIDs {
				a.queues[q] = struct{}{}
			}
			a.requested++
		}
		if ch.FreedAgentID != 0 {
			a.agents[ch.FreedAgentID] = struct{}{}
			a.requested++
		}
	}
	kicked := a.requested != n
	a.mu.Unlock()
	if kicked {
		a.signal()
	}
}

// KickAll asks for every queue to be looked at.
func (a *Assigner) KickAll(ctx context.Context) error {
	queues, _, err := a.store.FindQueues(desk.NewContextWithActor(ctx, desk.SystemActor), desk.QueueFilter{Limit: 200})
	if err != nil {
		return err
	}
	a.mu.Lock()
	for _, q := range queues {
		if q.AutoAssign {
			a.queues[q.ID] = struct{}{}
		}
	}
	a.requested++
	a.mu.Unlock()
	a.signal()
	return nil
}

func (a *Assigner) signal() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Run works kicks until ctx ends.
func (a *Assigner) Run(ctx context.Context) {
	var sweep <-chan time.Time
	if a.Sweep > 0 {
		t := time.NewTicker(a.Sweep)
		defer t.Stop()
		sweep = t.C
	}
	if err := a.KickAll(ctx); err != nil && ctx.Err() == nil {
		a.log.Error("assigner: first sweep", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			a.mu.Lock()
			a.done = a.requested // nobody will work them now; free Sync
			a.cond.Broadcast()
			a.mu.Unlock()
			return
		case <-sweep:
			if err := a.KickAll(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("assigner: sweep", "err", err)
			}
		case <-a.wake:
			a.drain(ctx)
		}
	}
}

// Sync waits until every kick made before the call has been worked off.
func (a *Assigner) Sync() {
	a.mu.Lock()
	target := a.requested
	for a.done < target {
		a.cond.Wait()
	}
	a.mu.Unlock()
}

// drain works the noted queues until none is left.
func (a *Assigner) drain(ctx context.Context) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	for ctx.Err() == nil {
		a.mu.Lock()
		if len(a.queues) == 0 && len(a.agents) == 0 {
			a.done = a.taken
			a.cond.Broadcast()
			a.mu.Unlock()
			return
		}
		queues, agents, traces := a.queues, a.agents, a.traces
		a.queues, a.agents, a.traces = map[desk.ID]struct{}{}, map[desk.ID]struct{}{}, map[desk.ID]string{}
		a.taken = a.requested
		a.mu.Unlock()
		for id := range agents {
			for _, q := range a.queuesOf(sys, id) {
				queues[q] = struct{}{}
			}
		}
		for q := range queues {
			a.work(sys, q, traces[q])
		}
	}
}

// queuesOf returns a freed agent's queues, from the cache when it can.
func (a *Assigner) queuesOf(ctx context.Context, agentID desk.ID) []desk.ID {
	a.mu.Lock()
	qs, ok := a.memberOf[agentID]
	gen := a.memberGen
	a.mu.Unlock()
	if ok {
		return qs
	}
	ag, err := a.store.FindAgentByID(ctx, agentID)
	if err != nil {
		return nil // deleted meanwhile: nothing to free
	}
	a.mu.Lock()
	if a.memberGen == gen {
		a.memberOf[agentID] = ag.QueueIDs
	}
	a.mu.Unlock()
	return ag.QueueIDs
}

// batch is how many assignments share one transaction at first; while
// batches come back full (a backlog) each next one is twice as large, up
// to maxBatch (or the store's MaxAutoAssignBatch), so a backlog costs fewer transactions (on PostgreSQL, fewer
// round trips under the queue lock) while a lone arrival still holds the
// writer only for itself.
const batch, maxBatch = 32, 128

// work assigns in one queue until nothing more matches.
// A queue worked for a traced change is a span of that trace.
func (a *Assigner) work(ctx context.Context, queueID desk.ID, traceParent string) {
	if traceParent != "" {
		var span oteltrace.Span
		ctx, span = trace.StartFrom(ctx, traceParent, "assignment", oteltrace.WithAttributes(attribute.String("queue_id", queueID.String())))
		defer span.End()
	}
	for n := batch; ctx.Err() == nil; n = min(2*n, a.maxBatch) {
		got, err := a.store.AutoAssign(ctx, queueID, n)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Error("assigner: assign", "queue", queueID, "err", err)
			}
			return
		}
		if a.OnAssign != nil {
			for _, as := range got {
				a.OnAssign(as)
			}
		}
		if len(got) < n {
			return
		}
	}
}
