// Package bus carries committed changes from the node that made them to
// every node's real-time hub, in one order with a sequence number, plus
// ephemeral signals (typing, revoked sessions) that need no order. Local
// is the single-node default; NATS (JetStream) joins several nodes.
package bus

import (
	"encoding/json"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Event is a change with its place in the global order.
type Event struct {
	Seq uint64 `json:"seq"`
	desk.Change
}

// Signal is an ephemeral message between nodes: it is delivered to the
// nodes running when it is sent, without order or replay.
type Signal struct {
	Type           string    `json:"type"`
	ConversationID desk.ID   `json:"conversation_id,omitempty"`
	AgentID        desk.ID   `json:"agent_id,omitempty"`
	AgentName      string    `json:"agent_name,omitempty"`
	SessionIDs     []desk.ID `json:"session_ids,omitempty"`
	Reason         string    `json:"reason,omitempty"`
	// Visitor and Payload carry a Live Chat widget event to the node
	// holding the visitor's socket; Origin is the sending node, which
	// has delivered it itself.
	Visitor string          `json:"visitor,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
	Origin  string          `json:"origin,omitempty"`
}

// Signal types.
const (
	SignalTyping         = "typing"
	SignalSessionRevoked = "session.revoked"
	SignalLiveChat       = "livechat"
	// SignalCall carries a call frame (call.ringing, call.ended, ...) in
	// Payload to the sockets of agent AgentID on every node; Origin is
	// the sending node's hub, which has delivered it itself.
	SignalCall = "call"
)

// Handler receives what the bus delivers. Events arrive in Seq order on one
// goroutine; OnEvent must not block.
type Handler interface {
	OnEvent(ev Event)
	OnSignal(sig Signal)
}

// Bus publishes to every node, including this one.
type Bus interface {
	// Publish sends changes in order; it does not wait for delivery.
	Publish(changes []desk.Change)
	// Signal sends an ephemeral signal.
	Signal(sig Signal)
	// Start delivers to h from now on; the NATS bus first replays up to
	// backlog recent events, so a new node can serve catch-up requests.
	Start(h Handler, backlog int) error
	// Close stops delivery, flushing what was published.
	Close() error
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the bus's own types always encode
	}
	return b
}
