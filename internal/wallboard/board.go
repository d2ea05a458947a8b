package wallboard

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Publisher is where a board sends its frames: the node's real-time hub,
// which holds the sockets that watch the wallboard.
type Publisher interface {
	// WallboardWatchers reports how many sockets on this node watch.
	WallboardWatchers() int
	// PublishWallboard sends an encoded frame to every watching socket.
	PublishWallboard(frame []byte)
}

// Frame is the live frame: {"type":"wallboard","snapshot":{...}}.
type Frame struct {
	Type     string    `json:"type"`
	Snapshot *Snapshot `json:"snapshot"`
}

// Defaults of a board's timing.
const (
	// DefaultGather is the least time between two refreshes: the changes
	// of a burst are read together.
	DefaultGather = 250 * time.Millisecond
	// DefaultRefresh is how often every queue is read again while someone
	// watches, so the last hour's figures follow the clock.
	DefaultRefresh = 15 * time.Second
)

// Board keeps this node's wallboard current while sockets on the node
// watch it. Every node receives every change over the bus (NATS with
// several nodes) and reads the shared database, so a change made on any
// node reaches every wallboard. A change marks the queues it may alter;
// the board reads those queues again (per queue, never per conversation),
// at most once per Gather, and pushes the whole snapshot. While nobody
// watches, it reads nothing.
type Board struct {
	Store   desk.WallboardStore
	Pub     Publisher
	Log     *slog.Logger
	Now     func() time.Time
	Gather  time.Duration
	Refresh time.Duration

	mu          sync.Mutex
	dirty       map[desk.ID]bool
	stale       bool                  // the cache must be read whole
	agentQueues map[desk.ID][]desk.ID // from the last read, for load changes
	wake        chan struct{}
	once        sync.Once

	data *desk.WallboardData // the cache; only Run touches it
}

func (b *Board) init() {
	b.once.Do(func() {
		b.dirty, b.stale, b.wake = map[desk.ID]bool{}, true, make(chan struct{}, 1)
		if b.Now == nil {
			b.Now = time.Now
		}
		if b.Gather <= 0 {
			b.Gather = DefaultGather
		}
		if b.Refresh <= 0 {
			b.Refresh = DefaultRefresh
		}
	})
}

// Touched lists the queues a change may alter on the wallboard; all is
// true when it may alter any. agentQueues gives an agent's queues as last
// read (an assignment changes the assignee's load in each of them).
func Touched(ch desk.Change, agentQueues func(desk.ID) []desk.ID) (ids []desk.ID, all bool) {
	addAgent := func(id desk.ID) {
		if id != 0 {
			ids = append(ids, agentQueues(id)...)
		}
	}
	switch ch.Type {
	case desk.ChangeConversationCreated, desk.ChangeConversationUpdated, desk.ChangeConversationAssigned,
		desk.ChangeConversationUnassigned, desk.ChangeConversationTransferred, desk.ChangeConversationHandedOff:
		for _, id := range []desk.ID{ch.QueueID, ch.FromQueueID} {
			if id != 0 {
				ids = append(ids, id)
			}
		}
		addAgent(ch.AgentID)
		addAgent(ch.FreedAgentID)
	case desk.ChangeAgentStatus, desk.ChangeAgentUpdated:
		ids = append(ids, ch.QueueIDs...)
		addAgent(ch.AgentID)
		// An agent the board has not read yet (a new one) may belong
		// anywhere.
		if len(ids) == 0 {
			return nil, true
		}
	case desk.ChangeQueueMembers, desk.ChangeQueueUpdated:
		if ch.QueueID == 0 {
			return nil, true
		}
		ids = append(ids, ch.QueueID)
		addAgent(ch.AgentID)
	}
	return ids, false
}

// OnEvent marks what a change touches; it never blocks (the bus calls it
// for every event, on its goroutine).
func (b *Board) OnEvent(ch desk.Change) {
	b.init()
	b.mu.Lock()
	ids, all := Touched(ch, func(id desk.ID) []desk.ID { return b.agentQueues[id] })
	if all {
		b.stale = true
	}
	for _, id := range ids {
		b.dirty[id] = true
	}
	b.mu.Unlock()
	if all || len(ids) > 0 {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
}

// Run refreshes and publishes until ctx ends.
func (b *Board) Run(ctx context.Context) {
	b.init()
	ctx = desk.NewContextWithActor(ctx, desk.SystemActor)
	tick := time.NewTicker(b.Refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-tick.C:
			b.mu.Lock()
			b.stale = true
			b.mu.Unlock()
		}
		if err := b.Step(ctx); err != nil && ctx.Err() == nil {
			b.Log.Error("wallboard: refresh", "err", err)
		}
		// The changes of the next interval gather meanwhile.
		select {
		case <-ctx.Done():
			return
		case <-time.After(b.Gather):
		}
	}
}

// Step reads what is marked (every queue when the cache is stale) and
// publishes the snapshot; with nobody watching it only forgets the marks.
func (b *Board) Step(ctx context.Context) error {
	b.init()
	b.mu.Lock()
	if b.Pub.WallboardWatchers() == 0 {
		clear(b.dirty)
		b.stale = true
		b.mu.Unlock()
		return nil
	}
	var ids []desk.ID
	all := b.stale || b.data == nil
	if !all {
		for id := range b.dirty {
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			b.mu.Unlock()
			return nil
		}
	}
	clear(b.dirty)
	b.stale = false
	b.mu.Unlock()

	now := b.Now()
	d, err := b.Store.WallboardData(ctx, ids, now.Add(-desk.WallboardWindow))
	if err != nil {
		b.mu.Lock()
		if all {
			b.stale = true
		}
		for _, id := range ids {
			b.dirty[id] = true
		}
		b.mu.Unlock()
		return err
	}
	if all {
		b.data = d
	} else {
		b.data = Merge(b.data, d, ids)
	}
	queues := map[desk.ID][]desk.ID{}
	for _, a := range b.data.Agents {
		queues[a.AgentID] = append(queues[a.AgentID], a.QueueID)
	}
	b.mu.Lock()
	b.agentQueues = queues
	b.mu.Unlock()
	frame, err := json.Marshal(Frame{Type: desk.FrameWallboard, Snapshot: Build(b.data, now)})
	if err != nil {
		return err
	}
	b.Pub.PublishWallboard(frame)
	return nil
}

// Merge replaces the rows of the queues ids in old by those of fresh (a
// queue asked for and not returned was deleted), keeping old's queue
// order; a new queue goes last until the next full read.
func Merge(old, fresh *desk.WallboardData, ids []desk.ID) *desk.WallboardData {
	asked := map[desk.ID]bool{}
	for _, id := range ids {
		asked[id] = true
	}
	out := &desk.WallboardData{}
	got := map[desk.ID]desk.WallboardQueueRow{}
	for _, q := range fresh.Queues {
		got[q.QueueID] = q
	}
	for _, q := range old.Queues {
		if !asked[q.QueueID] {
			out.Queues = append(out.Queues, q)
		} else if n, ok := got[q.QueueID]; ok {
			out.Queues = append(out.Queues, n)
			delete(got, q.QueueID)
		}
	}
	for _, q := range fresh.Queues {
		if _, ok := got[q.QueueID]; ok { // a new queue
			out.Queues = append(out.Queues, q)
		}
	}
	for _, r := range old.Channels {
		if !asked[r.QueueID] {
			out.Channels = append(out.Channels, r)
		}
	}
	out.Channels = append(out.Channels, fresh.Channels...)
	for _, a := range old.Agents {
		if !asked[a.QueueID] {
			out.Agents = append(out.Agents, a)
		}
	}
	out.Agents = append(out.Agents, fresh.Agents...)
	return out
}
