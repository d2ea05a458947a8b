// Package realtime is the workspace's live feed (A5, A8, A9, B4, C11): a
// hub that takes every change from the bus, remembers the recent ones for
// clients that reconnect (?since=), and streams to each WebSocket what its
// agent may see. Slow clients are dropped, never waited for.
package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/trace"
	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// HubStore is what the hub needs of the store (desk.Store has it).
type HubStore interface {
	FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error)
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	TouchAgent(ctx context.Context, agentID desk.ID) error
	CountQueues(ctx context.Context, ids []desk.ID) ([]desk.QueueCount, error)
}

// Config tunes the hub.
type Config struct {
	// Backlog is how many recent events are kept for catch-up.
	Backlog int
	// Buffer is each client's queue of unsent frames; a client whose queue
	// is full is disconnected as too slow.
	Buffer int
	// WriteTimeout bounds one frame's write.
	WriteTimeout time.Duration
	// PingInterval is how often the server pings each socket, to find
	// dead connections (pongs are not agent activity, see socket.go).
	PingInterval time.Duration
	// CountInterval is the least time between two rounds of queue counts:
	// the changes of a burst are counted together (see queue_counts.go).
	CountInterval time.Duration
	// Node names this hub in the signals it sends, so it skips its own
	// when the bus hands them back (default: random).
	Node string
	// MaxPerSession caps the live sockets of one session on this node
	// (default DefaultMaxPerSession); more are refused with 429.
	MaxPerSession int
	// CallOffers answers call.offer frames, so browser call legs negotiate
	// over the workspace socket (see call.go); nil when calls are off.
	CallOffers CallOfferFunc
}

func (c *Config) defaults() {
	if c.Backlog <= 0 {
		c.Backlog = 10000
	}
	if c.Buffer <= 0 {
		c.Buffer = 64
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 30 * time.Second
	}
	if c.CountInterval <= 0 {
		c.CountInterval = 250 * time.Millisecond
	}
	if c.MaxPerSession <= 0 {
		c.MaxPerSession = DefaultMaxPerSession
	}
	if c.Node == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		c.Node = hex.EncodeToString(b[:])
	}
}

// clientSet is a set of clients.
type clientSet map[*client]struct{}

// Hub fans events out to connected clients. Clients are indexed by queue
// and by agent, so an event costs the clients that may see it, not every
// client.
type Hub struct {
	cfg   Config
	store HubStore
	bus   bus.Bus
	log   *slog.Logger
	node  string

	mu       sync.RWMutex
	ring     *ring // the last Backlog events
	last     uint64
	clients  clientSet
	wide     clientSet                   // clients that see every queue
	byQueue  map[desk.ID]clientSet       // other clients, by the queues they belong to
	byAgent  map[desk.ID]clientSet       // every client, by agent
	watch    map[desk.ID]clientSet       // clients by the conversations they watch for typing
	boards   clientSet                   // clients watching the wallboard (wallboard.go)
	counts   map[desk.ID]desk.QueueCount // the queue counts last sent
	closed   bool
	counter  *queueCounter
	metrics  *metrics
	perSess  sessionCap
	stop     chan struct{}
	stopOnce sync.Once
}

// frame is an event encoded once for every client that receives it.
type frame struct {
	ev   bus.Event
	data []byte
}

// NewHub returns a hub; start the bus with the hub as handler. Close stops
// its background work (pings, queue counts).
func NewHub(store HubStore, b bus.Bus, log *slog.Logger, cfg Config) *Hub {
	cfg.defaults()
	h := &Hub{cfg: cfg, store: store, bus: b, log: log, node: cfg.Node, ring: newRing(cfg.Backlog),
		clients: clientSet{}, wide: clientSet{}, byQueue: map[desk.ID]clientSet{}, byAgent: map[desk.ID]clientSet{},
		watch: map[desk.ID]clientSet{}, boards: clientSet{}, counts: map[desk.ID]desk.QueueCount{}, metrics: newMetrics(), stop: make(chan struct{})}
	h.counter = newQueueCounter(h, cfg.CountInterval)
	go h.counter.run()
	go h.pingLoop()
	return h
}

// OnEvent is the bus handler: remember the event, send it to every client
// that may see it. It never blocks on a client.
func (h *Hub) OnEvent(ev bus.Event) {
	// The fan-out joins the trace of the write that made the change (on
	// another node, through the bus's message headers).
	var span oteltrace.Span
	if ev.Trace != "" {
		_, span = trace.StartFrom(context.Background(), ev.Trace, "ws.fanout",
			oteltrace.WithAttributes(attribute.String("change", ev.Type), attribute.Int64("seq", int64(ev.Seq))))
		defer span.End()
	}
	sent := 0
	data := mustJSON(ev)
	var reload []*client
	h.mu.Lock()
	if ev.Seq <= h.last {
		h.mu.Unlock()
		return // replayed twice (a reconnecting consumer): once per socket
	}
	h.last = ev.Seq
	h.ring.add(frame{ev: ev, data: data})
	h.recipients(ev, func(c *client) { c.push(data); sent++ })
	if span != nil {
		span.SetAttributes(attribute.Int("sockets", sent))
	}
	if ev.Type == desk.ChangeAgentUpdated || ev.Type == desk.ChangeQueueMembers {
		for c := range h.byAgent[ev.AgentID] {
			reload = append(reload, c)
		}
	}
	h.mu.Unlock()
	for _, c := range reload {
		go h.reloadQueues(c)
	}
	h.counter.touch(ev.Change)
}

// recipients calls fn once for every client that may see ev (client.sees),
// found through the indexes. The caller holds the lock.
func (h *Hub) recipients(ev bus.Event, fn func(c *client)) {
	if ev.ConversationID == 0 && ev.QueueID == 0 {
		for c := range h.clients {
			fn(c)
		}
		return
	}
	visit := func(set clientSet) {
		for c := range set {
			if c.mark != ev.Seq {
				c.mark = ev.Seq
				fn(c)
			}
		}
	}
	visit(h.wide)
	if ev.QueueID != 0 {
		visit(h.byQueue[ev.QueueID])
	}
	if ev.AgentID != 0 {
		visit(h.byAgent[ev.AgentID])
	}
	if ev.FreedAgentID != 0 {
		visit(h.byAgent[ev.FreedAgentID])
	}
}

// OnSignal delivers typing indicators to subscribers and closes the
// sockets of revoked sessions (A8).
func (h *Hub) OnSignal(sig bus.Signal) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	switch sig.Type {
	case bus.SignalTyping:
		data := mustJSON(typingFrame{Type: desk.FrameTyping, ConversationID: sig.ConversationID, AgentID: sig.AgentID, AgentName: sig.AgentName})
		for c := range h.watch[sig.ConversationID] {
			if c.agentID != sig.AgentID {
				c.push(data)
			}
		}
	case bus.SignalCall:
		if sig.Origin != h.node {
			for c := range h.byAgent[sig.AgentID] {
				c.push(sig.Payload)
			}
		}
	case bus.SignalSessionRevoked:
		for c := range h.clients {
			for _, id := range sig.SessionIDs {
				if c.sessionID == id {
					c.kick(closeRevoked, sig.Reason)
				}
			}
		}
	}
}

// RevokeSessions closes the sockets of sessions on every node (A8).
func (h *Hub) RevokeSessions(ids []desk.ID, reason string) {
	if len(ids) > 0 {
		h.bus.Signal(bus.Signal{Type: bus.SignalSessionRevoked, SessionIDs: ids, Reason: reason})
	}
}

// Close disconnects every client (going away), refuses new ones and stops
// the background work.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	clients := h.clients
	h.clients, h.wide, h.byQueue, h.byAgent, h.watch, h.boards = clientSet{}, clientSet{}, map[desk.ID]clientSet{}, map[desk.ID]clientSet{}, map[desk.ID]clientSet{}, clientSet{}
	h.mu.Unlock()
	for c := range clients {
		c.kick(closeGoingAway, "server shutting down")
	}
	h.stopOnce.Do(func() {
		close(h.stop)
		<-h.counter.done
	})
}

// Clients reports how many sockets are connected.
func (h *Hub) Clients() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}

// join registers c after queueing what it missed since `since` (or a
// refetch notice when that is no longer kept) and the counts of the
// queues it may see, under the lock, so the client gets every event
// exactly once and in order.
func (h *Hub) join(c *client, since uint64, catchUp bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	// The catch-up may exceed the live limit: it is queued unbounded.
	c.enqueue(mustJSON(helloFrame{Type: desk.FrameHello, Seq: h.last}), false)
	if catchUp && since < h.last {
		if h.ring.len() == 0 || h.ring.oldest().ev.Seq > since+1 {
			c.enqueue(mustJSON(refetchFrame{Type: desk.FrameRefetch, Reason: "missed events are no longer kept", Seq: h.last}), false)
		} else {
			h.ring.each(func(f frame) {
				if f.ev.Seq > since && c.sees(f.ev.Change) {
					c.enqueue(f.data, false)
				}
			})
		}
	}
	h.sendCounts(c, false)
	h.index(c)
	return true
}

func (h *Hub) leave(c *client) {
	h.mu.Lock()
	h.unindex(c)
	h.mu.Unlock()
}

// index adds c to the indexes; the caller holds the lock.
func (h *Hub) index(c *client) {
	h.clients[c] = struct{}{}
	add(h.byAgent, c.agentID, c)
	if c.allQueues {
		h.wide[c] = struct{}{}
		return
	}
	for _, q := range c.queues {
		add(h.byQueue, q, c)
	}
}

// unindex removes c from the indexes; the caller holds the lock.
func (h *Hub) unindex(c *client) {
	if _, ok := h.clients[c]; !ok {
		return
	}
	delete(h.clients, c)
	remove(h.byAgent, c.agentID, c)
	delete(h.wide, c)
	delete(h.boards, c)
	for _, q := range c.queues {
		remove(h.byQueue, q, c)
	}
	for conv := range c.subs {
		remove(h.watch, conv, c)
	}
}

// maxWatched bounds the conversations one socket watches for typing.
const maxWatched = 100

// subscribe starts or stops c watching a conversation for typing; false
// when c already watches maxWatched conversations.
func (h *Hub) subscribe(c *client, conv desk.ID, on bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return true // gone meanwhile
	}
	if !on {
		delete(c.subs, conv)
		remove(h.watch, conv, c)
		return true
	}
	if c.subs[conv] {
		return true
	}
	if len(c.subs) >= maxWatched {
		return false
	}
	if c.subs == nil {
		c.subs = map[desk.ID]bool{}
	}
	c.subs[conv] = true
	add(h.watch, conv, c)
	return true
}

func add(m map[desk.ID]clientSet, id desk.ID, c *client) {
	set := m[id]
	if set == nil {
		set = clientSet{}
		m[id] = set
	}
	set[c] = struct{}{}
}

func remove(m map[desk.ID]clientSet, id desk.ID, c *client) {
	if set := m[id]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(m, id)
		}
	}
}

// reloadQueues refreshes a client's queues after a membership change and
// sends it the counts of the queues it may now see.
func (h *Hub) reloadQueues(c *client) {
	a, err := h.store.FindAgentByID(desk.NewContextWithActor(context.Background(), desk.SystemActor), c.agentID)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return
	}
	_, watching := h.boards[c]
	h.unindex(c)
	c.queues = a.QueueIDs
	h.index(c)
	if watching {
		h.boards[c] = struct{}{}
	}
	h.sendCounts(c, true)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
