package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// liveChatRelay joins the Live Chat hubs of the nodes over the bus: an
// agent's reply or seen receipt sent on one node reaches the visitor's
// socket on another, agents' typing reaches the visitor, and the visitor's
// typing reaches the agents watching the conversation on any node. The
// bus's signals are ephemeral, like typing itself; messages a visitor
// misses while away are in the history their widget loads on reconnecting.
type liveChatRelay struct {
	node  string
	hub   *livechat.Hub
	store desk.Store
	log   *slog.Logger
	bus   bus.Bus // set once the bus is open

	mu sync.Mutex
	// convVisitor caches conversation → visitor ("" when not Live Chat),
	// visitorConv visitor → latest conversation, for typing.
	convVisitor map[desk.ID]cached[string]
	visitorConv map[string]cached[desk.ID]
}

type cached[T any] struct {
	v  T
	at time.Time
}

// relayCacheTTL bounds how stale a typing lookup may be (a conversation's
// contact changes only on a channel switch, C7).
const relayCacheTTL = 30 * time.Second

// newLiveChatRelay builds this node's Live Chat hub (r.hub) joined to the
// others by the relay: each needs the other, so both are made here. The
// bus (r.bus) is opened after, with the relay's OnSignal among its
// handlers, and New sets it before anything is served.
func newLiveChatRelay(store desk.Store, links livechat.FileLinks, log *slog.Logger) *liveChatRelay {
	var b [8]byte
	_, _ = rand.Read(b[:])
	r := &liveChatRelay{node: hex.EncodeToString(b[:]), store: store, log: log,
		convVisitor: map[desk.ID]cached[string]{}, visitorConv: map[string]cached[desk.ID]{}}
	r.hub = livechat.NewHub(livechat.HubConfig{Relay: r, Links: links})
	return r
}

// Publish sends a widget event to the other nodes (this one has pushed it).
func (r *liveChatRelay) Publish(visitor string, e livechat.Event) {
	if r.bus == nil {
		return
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return
	}
	r.bus.Signal(bus.Signal{Type: bus.SignalLiveChat, Visitor: visitor, Payload: payload, Origin: r.node})
}

// VisitorTyping signals the visitor's conversation as typed in by the
// customer (AgentID zero), for the agents' feeds on every node.
func (r *liveChatRelay) VisitorTyping(visitor string) {
	if r.bus == nil {
		return
	}
	go func() {
		conv, err := r.conversationOf(visitor)
		if err != nil || conv == 0 {
			return
		}
		r.bus.Signal(bus.Signal{Type: bus.SignalTyping, ConversationID: conv, AgentName: "customer"})
	}()
}

// OnSignal pushes other nodes' widget events to this node's visitors, and
// agents' typing to the visitor of the conversation. It never blocks the
// bus: lookups run on their own goroutine.
func (r *liveChatRelay) OnSignal(sig bus.Signal) {
	switch {
	case sig.Type == bus.SignalLiveChat && sig.Origin != r.node:
		var e livechat.Event
		if json.Unmarshal(sig.Payload, &e) == nil {
			r.hub.Push(sig.Visitor, e)
		}
	case sig.Type == bus.SignalTyping && sig.AgentID != 0 && r.hub.Connected():
		go func() {
			visitor, err := r.visitorOf(sig.ConversationID)
			if err == nil && visitor != "" {
				r.hub.Push(visitor, livechat.Event{Type: livechat.EventTyping, At: time.Now().UTC()})
			}
		}()
	}
}

// visitorOf returns the visitor of a Live Chat conversation, "" for other
// channels.
func (r *liveChatRelay) visitorOf(conv desk.ID) (string, error) {
	now := time.Now()
	r.mu.Lock()
	c, ok := r.convVisitor[conv]
	r.mu.Unlock()
	if ok && now.Sub(c.at) < relayCacheTTL {
		return c.v, nil
	}
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cv, err := r.store.FindConversationByID(sys, conv)
	if err != nil {
		return "", err
	}
	visitor := ""
	if cv.Channel == desk.ChannelLiveChat {
		visitor = cv.ContactAddress
	}
	r.remember(func() { r.convVisitor[conv] = cached[string]{visitor, now} })
	return visitor, nil
}

// conversationOf returns the visitor's latest conversation (0: none yet).
func (r *liveChatRelay) conversationOf(visitor string) (desk.ID, error) {
	now := time.Now()
	r.mu.Lock()
	c, ok := r.visitorConv[visitor]
	r.mu.Unlock()
	if ok && now.Sub(c.at) < relayCacheTTL && c.v != 0 {
		return c.v, nil
	}
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cu, err := r.store.FindCustomerByContact(sys, desk.ChannelLiveChat, visitor)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	convs, _, err := r.store.FindConversations(sys, desk.ConversationFilter{View: desk.ViewAll, Sort: desk.SortLatestPending, CustomerID: &cu.ID, Limit: 1})
	if err != nil || len(convs) == 0 {
		return 0, err
	}
	r.remember(func() { r.visitorConv[visitor] = cached[desk.ID]{convs[0].ID, now} })
	return convs[0].ID, nil
}

// remember updates a cache, dropping both when they grow large.
func (r *liveChatRelay) remember(set func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.convVisitor)+len(r.visitorConv) > 10000 {
		r.convVisitor, r.visitorConv = map[desk.ID]cached[string]{}, map[string]cached[desk.ID]{}
	}
	set()
}
