package desk

import (
	"context"
	"time"
)

// Call directions.
const (
	CallInbound  = "inbound"  // the customer called (call link or SIP trunk)
	CallOutbound = "outbound" // an agent called the customer
)

// ChangeCallEvent announces a call event on a conversation's timeline
// (ringing, answered, hold, resumed, transferred, ended, wrap-up), so
// supervisors watching the conversation see hold time live (I2).
const ChangeCallEvent = "call.event"

// CallRecord is a call as stored: one row per call, written as its
// lifecycle moves (I1). The live state machine is internal/call; this is
// what history, reports and the recording link read.
type CallRecord struct {
	ID             string     `json:"id"`
	ConversationID ID         `json:"conversation_id"`
	Direction      string     `json:"direction"`
	State          string     `json:"state"`
	AgentID        *ID        `json:"agent_id"`
	QueueID        ID         `json:"queue_id"`
	CreatedAt      time.Time  `json:"created_at"`
	AnsweredAt     *time.Time `json:"answered_at"`
	EndedAt        *time.Time `json:"ended_at"`
	HoldSeconds    float64    `json:"hold_seconds"`
	// Recording is the file of both legs up to the transfer (I4); empty
	// when nothing was recorded.
	Recording string `json:"recording"`
}

// CallService persists calls and their timeline events. Writes are the
// system's (the calls feature); reads scope like conversations.
type CallService interface {
	// SaveCall inserts or updates a call record (system only).
	SaveCall(ctx context.Context, c *CallRecord) error
	// FindCallByID returns ENOTFOUND if missing or its conversation is not
	// visible to the actor.
	FindCallByID(ctx context.Context, id string) (*CallRecord, error)
	// RecordCallEvent appends a call event (EventCall with data) to a
	// conversation's timeline and announces ChangeCallEvent (system only).
	RecordCallEvent(ctx context.Context, conversationID ID, data map[string]any) error
	// FindLiveCalls returns the calls not ended, oldest first (system
	// only): the sweeper looks among them for calls of nodes that died.
	FindLiveCalls(ctx context.Context) ([]*CallRecord, error)
	// EndCall marks a call ended at at, unless it is already (system
	// only). Returns the call as it was before, ECONFLICT if it had ended
	// already (another node swept it first), ENOTFOUND if missing.
	EndCall(ctx context.Context, id string, at time.Time) (*CallRecord, error)
	// FindWrapUps returns the agents whose call state is wrap_up, each
	// with their latest call (system only): a wrap-up lives in the memory
	// of the node that owned that call, so the sweeper frees the agents
	// whose node is gone.
	FindWrapUps(ctx context.Context) ([]AgentCall, error)
}

// AgentCall is an agent with their latest call (CallID empty when none).
type AgentCall struct {
	AgentID        ID
	CallID         string
	ConversationID ID
}
