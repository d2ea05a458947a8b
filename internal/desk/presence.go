package desk

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Automatic statuses (A3): derived from an agent's set status, load and call
// state, never set by hand.
const (
	AutoIdle          = "idle"
	AutoUnderCapacity = "under_capacity"
	AutoFullCapacity  = "full_capacity"
	CallRinging       = "ringing"
	CallInCall        = "in_call"
	CallOnHold        = "on_hold"
	CallWrapUp        = "wrap_up"
)

// InactivityTimeout is how long an Available agent's clients may stay
// silent before the agent is set Offline (A5).
const InactivityTimeout = 60 * time.Second

// BuiltinStatuses are the default statuses (A2), in the order people see
// them; the OpenAPI document's BuiltinStatus lists the same.
func BuiltinStatuses() []string {
	return []string{StatusAvailable, StatusBusy, StatusAway, StatusOffline}
}

// AutomaticStatuses are the derived statuses (A3); the document's Agent
// auto_status lists them and "" (none applies).
func AutomaticStatuses() []string {
	return []string{AutoIdle, AutoUnderCapacity, AutoFullCapacity, CallRinging, CallInCall, CallOnHold, CallWrapUp}
}

// CallStates are an agent's call states; the document's Agent call_state
// lists them and "" (no call).
func CallStates() []string {
	return []string{CallRinging, CallInCall, CallOnHold, CallWrapUp}
}

// BuiltinStatus reports whether s is one of the default statuses (A2).
func BuiltinStatus(s string) bool {
	return slices.Contains(BuiltinStatuses(), s)
}

// AutomaticStatus reports whether s names a derived status (A3), which
// nobody may set by hand.
func AutomaticStatus(s string) bool {
	return slices.Contains(AutomaticStatuses(), s)
}

// ValidCallState reports whether s is a call state, or "" for none.
func ValidCallState(s string) bool {
	return s == "" || slices.Contains(CallStates(), s)
}

// DeriveAutoStatus computes an agent's automatic status (A3): the call
// state when in a call, else for an Available agent Idle, Under capacity or
// Full capacity by load, else "".
func DeriveAutoStatus(status, callState string, load, capacity int) string {
	switch {
	case callState != "":
		return callState
	case status != StatusAvailable:
		return ""
	case load == 0:
		return AutoIdle
	case load < capacity:
		return AutoUnderCapacity
	}
	return AutoFullCapacity
}

// CustomStatus is a status defined by supervisors (A4) with whether work
// may be assigned to agents in it.
type CustomStatus struct {
	ID         ID        `json:"id"`
	Name       string    `json:"name"`
	AllowsWork bool      `json:"allows_work"`
	CreatedAt  time.Time `json:"created_at"`
}

// Validate normalizes the name and refuses the names of built-in and
// automatic statuses.
func (c *CustomStatus) Validate() error {
	c.Name = strings.ToLower(strings.TrimSpace(c.Name))
	switch {
	case c.Name == "":
		return FieldErrorf("name", "name is required")
	case len(c.Name) > 50:
		return FieldErrorf("name", "name is longer than 50 characters")
	case BuiltinStatus(c.Name) || AutomaticStatus(c.Name):
		return &Error{Kind: EINVALID, Code: "reserved_status", Field: "name", Message: "a built-in or automatic status has this name"}
	}
	return nil
}

// CustomStatusUpdate changes a custom status; nil fields are left alone.
type CustomStatusUpdate struct {
	Name       *string `json:"name"`
	AllowsWork *bool   `json:"allows_work"`
}

// Utilization is the time one agent spent in each status in a period (A6).
type Utilization struct {
	AgentID   ID                 `json:"agent_id"`
	AgentName string             `json:"agent_name"`
	Seconds   map[string]float64 `json:"seconds"`
	Total     float64            `json:"total"`
}

// AgentActivity is one agent's time in each status of a period (A6): the
// status the agent was in at each moment — Idle, Under capacity, Full
// capacity or a call state while Available or in a call, else the status
// set by hand (Busy, Away, Offline, a custom one).
type AgentActivity struct {
	AgentID   ID                 `json:"agent_id"`
	AgentName string             `json:"agent_name"`
	Seconds   map[string]float64 `json:"seconds"`
	Total     float64            `json:"total"`
	Timeline  []ActivitySpan     `json:"timeline,omitempty"`
}

// ActivitySpan is one status period of a timeline.
type ActivitySpan struct {
	Status string    `json:"status"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
}

// PresenceService keeps agents' statuses (A2–A7).
type PresenceService interface {
	// SetAgentStatus sets a status by hand: a built-in one or a custom
	// status's name. Agents set their own, supervisors anyone's. The change
	// is logged for utilization. Returns EINVALID (field status) for
	// automatic or unknown statuses, ENOTFOUND, EFORBIDDEN.
	SetAgentStatus(ctx context.Context, agentID ID, status string) (*Agent, error)
	// TouchAgent records client activity (the heartbeat of A5).
	TouchAgent(ctx context.Context, agentID ID) error
	// SetCallState records the call lifecycle's effect on presence
	// (Ringing, In a call, On hold, Wrap-up, or "" when the call is over). Driven by
	// the calls feature as the system.
	SetCallState(ctx context.Context, agentID ID, state string) (*Agent, error)
	// ExpireInactiveAgents sets Offline every Available agent whose last
	// activity is older than timeout, as of the moment the timeout ran out,
	// and returns them (system only).
	ExpireInactiveAgents(ctx context.Context, timeout time.Duration) ([]ID, error)

	// CreateCustomStatus adds a custom status (supervisor+); ECONFLICT
	// status_taken when the name is in use.
	CreateCustomStatus(ctx context.Context, c *CustomStatus) error
	// FindCustomStatuses lists custom statuses by name.
	FindCustomStatuses(ctx context.Context) ([]*CustomStatus, error)
	// UpdateCustomStatus renames it or changes whether it allows work; the
	// agents in it follow.
	UpdateCustomStatus(ctx context.Context, id ID, upd CustomStatusUpdate) (*CustomStatus, error)
	// DeleteCustomStatus removes it; refused with ECONFLICT status_in_use
	// while agents are in it.
	DeleteCustomStatus(ctx context.Context, id ID) error

	// Utilization returns seconds per status per agent within [from, to)
	// (supervisor+). Periods still running count up to now.
	Utilization(ctx context.Context, from, to time.Time) ([]*Utilization, error)
	// Activity returns, per agent, the seconds in every status the agent
	// passed through within [from, to), the automatic ones (A3) included,
	// and with timeline the periods themselves, clipped to the range
	// (supervisor+). agentID, if set, restricts to one agent.
	Activity(ctx context.Context, from, to time.Time, agentID *ID, timeline bool) ([]*AgentActivity, error)
}
