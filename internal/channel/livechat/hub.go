package livechat

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/socket"
)

// Event types of the widget protocol (both directions).
const (
	EventHello     = "hello"     // visitor → server, first frame: {token?, user_id?, user_hash?, name?, email?}
	EventSession   = "session"   // server → visitor: {token, visitor_id, prechat?, verified?}
	EventProfile   = "profile"   // visitor → server: {name?, email?} from the pre-chat form
	EventHistory   = "history"   // server → visitor: {messages}
	EventMessage   = "message"   // both ways: {id, text}; to the visitor also {files}
	EventAck       = "ack"       // server → visitor: {id} of the visitor's message, stored
	EventDelivered = "delivered" // visitor → server: {ids} of agent messages shown
	EventSeen      = "seen"      // visitor → server: {ids} read; server → visitor: the agent read the thread
	EventTyping    = "typing"    // both ways: the visitor, or an agent, is typing
	EventError     = "error"     // server → visitor: {id?, code, message}
)

// ServerEventTypes lists the frames the server sends a visitor, and
// VisitorEventTypes those it takes from one: the OpenAPI document's
// LiveChatServerFrame and LiveChatVisitorFrame list the same (its tests
// check), and the widget's types are generated from it.
func ServerEventTypes() []string {
	return []string{EventSession, EventHistory, EventMessage, EventAck, EventSeen, EventTyping, EventError}
}

// VisitorEventTypes lists the frames a visitor may send (see
// ServerEventTypes).
func VisitorEventTypes() []string {
	return []string{EventHello, EventProfile, EventMessage, EventDelivered, EventSeen, EventTyping}
}

// MaxText is Live Chat's text limit (D4).
const MaxText = 4096

// Event is one frame of the widget protocol.
type Event struct {
	Type      string    `json:"type"`
	ID        string    `json:"id,omitempty"`
	IDs       []string  `json:"ids,omitempty"`
	Direction string    `json:"direction,omitempty"`
	Text      string    `json:"text,omitempty"`
	Files     []File    `json:"files,omitempty"`
	State     string    `json:"state,omitempty"`
	At        time.Time `json:"at,omitzero"`
	Token     string    `json:"token,omitempty"`
	VisitorID string    `json:"visitor_id,omitempty"`
	Messages  []Event   `json:"messages,omitempty"`
	Code      string    `json:"code,omitempty"`
	Message   string    `json:"message,omitempty"`
	// UserID and UserHash identify a visitor signed in on the customer's
	// site (hello): UserHash is the hex HMAC-SHA256 of UserID keyed with
	// the channel's identity_secret, computed by the site's server.
	UserID   string `json:"user_id,omitempty"`
	UserHash string `json:"user_hash,omitempty"`
	// Name and Email are what the visitor gave in the pre-chat form
	// (hello, profile).
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// Prechat lists the pre-chat form's fields the channel asks for
	// (session): "name", "email".
	Prechat []string `json:"prechat,omitempty"`
	// Verified says the session is a signed-in user's (session).
	Verified bool `json:"verified,omitempty"`
	// RetryAfter is the seconds a rate-limited visitor waits.
	RetryAfter int `json:"retry_after,omitempty"`
}

// sendBuffer bounds the events waiting for one socket: a socket that falls
// this far behind, or whose write takes longer than writeTimeout, is closed
// with socket.CloseTooSlow (the widget reconnects and reloads the history)
// instead of holding up the sender — the same policy as the agents' feed.
const (
	sendBuffer   = 64
	writeTimeout = 10 * time.Second
)

// Hub keeps this node's visitor sockets by visitor. Visitor IDs are random
// and unique across channels, so a reply reaches its visitor whichever
// Live Chat channel's adapter sends it (several widgets may share one
// sender address).
type Hub struct {
	mu      sync.Mutex
	sockets map[string]map[*socket.Writer]struct{}
	relay   Relay     // nil: this node alone
	links   FileLinks // nil: files listed without links
	limits  limiters
	live    liveSockets
}

// HubConfig is what a hub is built with; the zero value is a hub alone on
// its node that lists files without links (tests).
type HubConfig struct {
	// Relay joins the hub to the other nodes.
	Relay Relay
	// Links signs the links through which visitors download files (both
	// ways).
	Links FileLinks
}

// Relay carries the widget's traffic between server nodes (over the bus):
// a visitor's socket is on one node, the agent who answers may be on
// another. Events are ephemeral: a visitor who misses one reads the thread
// when reconnecting.
type Relay interface {
	// Publish hands an event for a visitor to the other nodes, whose hubs
	// push it to the visitor's sockets there (Hub.Push).
	Publish(visitor string, e Event)
	// VisitorTyping tells the agents watching the visitor's conversation,
	// on every node, that the visitor is typing.
	VisitorTyping(visitor string)
}

// fileLinks returns the hub's link signer, nil if none.
func (h *Hub) fileLinks() FileLinks { return h.links }

// Send pushes an event to the visitor's sockets on this node and, through
// the relay, on every other node; it returns how many local sockets took
// it.
func (h *Hub) Send(visitor string, e Event) int {
	n := h.Push(visitor, e)
	if h.relay != nil {
		h.relay.Publish(visitor, e)
	}
	return n
}

// Connected reports whether any visitor has a socket on this node.
func (h *Hub) Connected() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sockets) > 0
}

// visitorTyping relays that the visitor is typing, if there is a relay.
func (h *Hub) visitorTyping(visitor string) {
	if h.relay != nil {
		h.relay.VisitorTyping(visitor)
	}
}

// NewHub returns an empty hub built with c.
func NewHub(c HubConfig) *Hub {
	return &Hub{sockets: map[string]map[*socket.Writer]struct{}{}, relay: c.Relay, links: c.Links}
}

// register adds a socket of the visitor. Its writer is held: what is
// pushed waits until the handler, having written the session and the
// history itself, starts it.
func (h *Hub) register(visitor string, conn *websocket.Conn) *socket.Writer {
	c := socket.New(conn, socket.Config{Limit: sendBuffer, WriteTimeout: writeTimeout, Held: true})
	k := visitor
	h.mu.Lock()
	if h.sockets[k] == nil {
		h.sockets[k] = map[*socket.Writer]struct{}{}
	}
	h.sockets[k][c] = struct{}{}
	h.mu.Unlock()
	return c
}

// unregister removes a socket.
func (h *Hub) unregister(visitor string, c *socket.Writer) {
	k := visitor
	h.mu.Lock()
	delete(h.sockets[k], c)
	if len(h.sockets[k]) == 0 {
		delete(h.sockets, k)
	}
	h.mu.Unlock()
}

// Push queues an event for every open socket of the visitor (a visitor may
// have several tabs) and reports how many took it. It never blocks.
func (h *Hub) Push(visitor string, e Event) int {
	data, err := json.Marshal(e)
	if err != nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for c := range h.sockets[visitor] {
		if c.Push(data) {
			n++
		}
	}
	return n
}

// PushSeen tells the visitor's sockets, on every node, that the agent has
// read the thread.
func (h *Hub) PushSeen(visitor string) int {
	return h.Send(visitor, Event{Type: EventSeen, At: time.Now().UTC()})
}
