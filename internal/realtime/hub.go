// Package realtime is the workspace's live feed (A5, A8, A9, B4, C11): a
// hub that takes every change from the bus, remembers the recent ones for
// clients that reconnect (?since=), and streams to each WebSocket what its
// agent may see. Slow clients are dropped, never waited for.
package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// hubStore is what the hub needs of the store.
type hubStore interface {
	FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error)
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	TouchAgent(ctx context.Context, agentID desk.ID) error
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
	// PingInterval is how often the server pings a quiet socket.
	PingInterval time.Duration
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
}

// Hub fans events out to connected clients.
type Hub struct {
	cfg   Config
	store hubStore
	bus   bus.Bus
	log   *slog.Logger

	mu      sync.RWMutex
	ring    *ring // the last Backlog events
	last    uint64
	clients map[*client]struct{}
	closed  bool
	// callOffers answers call.offer frames (see call.go); nil when calls
	// are off.
	callOffers CallOfferFunc
}

// frame is an event encoded once for every client that receives it.
type frame struct {
	ev   bus.Event
	data []byte
}

// NewHub returns a hub; start the bus with the hub as handler.
func NewHub(store hubStore, b bus.Bus, log *slog.Logger, cfg Config) *Hub {
	cfg.defaults()
	return &Hub{cfg: cfg, store: store, bus: b, log: log, ring: newRing(cfg.Backlog), clients: map[*client]struct{}{}}
}

// OnEvent is the bus handler: remember the event, send it to every client
// that may see it. It never blocks on a client.
func (h *Hub) OnEvent(ev bus.Event) {
	f := frame{ev: ev, data: mustJSON(ev)}
	h.mu.Lock()
	if ev.Seq <= h.last {
		h.mu.Unlock()
		return // replayed twice (a reconnecting consumer): once per socket
	}
	h.last = ev.Seq
	h.ring.add(f)
	clients := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()
	for _, c := range clients {
		if c.sees(ev.Change) {
			c.push(f.data)
		}
		if c.agentID == ev.AgentID && (ev.Type == desk.ChangeAgentUpdated || ev.Type == desk.ChangeQueueMembers) {
			go c.reloadQueues(h.store)
		}
	}
}

// OnSignal delivers typing indicators to subscribers and closes the
// sockets of revoked sessions (A8).
func (h *Hub) OnSignal(sig bus.Signal) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	switch sig.Type {
	case bus.SignalTyping:
		data := mustJSON(sig)
		for c := range h.clients {
			if c.agentID != sig.AgentID && c.subscribed(sig.ConversationID) {
				c.push(data)
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

// Close disconnects every client (going away) and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	clients := h.clients
	h.clients = map[*client]struct{}{}
	h.mu.Unlock()
	for c := range clients {
		c.kick(closeGoingAway, "server shutting down")
	}
}

// Clients reports how many sockets are connected.
func (h *Hub) Clients() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}

// join registers c after queueing what it missed since `since` (or a
// refetch notice when that is no longer kept), under the lock, so the
// client gets every event exactly once and in order.
func (h *Hub) join(c *client, since uint64, catchUp bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	if catchUp && since < h.last {
		// The catch-up may exceed the live buffer: the queue grows to hold
		// it (the writer has not started, nothing else holds the channel).
		c.send = make(chan []byte, cap(c.send)+h.ring.len()+2)
	}
	c.push(mustJSON(map[string]any{"type": "hello", "seq": h.last}))
	if catchUp && since < h.last {
		if h.ring.len() == 0 || h.ring.oldest().ev.Seq > since+1 {
			c.push(mustJSON(map[string]any{"type": "refetch", "reason": "missed events are no longer kept", "seq": h.last}))
		} else {
			h.ring.each(func(f frame) {
				if f.ev.Seq > since && c.sees(f.ev.Change) {
					c.push(f.data)
				}
			})
		}
	}
	h.clients[c] = struct{}{}
	return true
}

func (h *Hub) leave(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
