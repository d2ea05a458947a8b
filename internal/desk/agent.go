package desk

import (
	"context"
	"strings"
	"time"
)

// Presence statuses an agent sets by hand (A2). Custom statuses (A4) use
// their own names; automatic statuses (A3) are derived, never stored here.
const (
	StatusAvailable = "available"
	StatusBusy      = "busy"
	StatusAway      = "away"
	StatusOffline   = "offline"
)

// Agent is an account of the workspace: an agent, supervisor or admin (A1).
type Agent struct {
	ID       ID     `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Capacity int    `json:"capacity"`
	// ChannelCapacity optionally caps concurrent conversations per channel
	// type (A10); a channel missing here is capped only by Capacity.
	ChannelCapacity map[string]int `json:"channel_capacity"`
	// QueueIDs lists the queues the agent belongs to; always includes the
	// Default queue (B1).
	QueueIDs []ID `json:"queue_ids"`
	// Status is the presence the agent set (A2/A4).
	Status          string     `json:"status"`
	StatusChangedAt *time.Time `json:"status_changed_at"`
	// AutoStatus is derived (A3): idle, under_capacity or full_capacity
	// while Available, or the call state; "" otherwise.
	AutoStatus string `json:"auto_status"`
	// CallState is ringing, in_call or wrap_up while a call runs (I1).
	CallState string `json:"call_state"`
	// Load counts the agent's assigned open and waiting conversations.
	Load int `json:"load"`
	// AcceptsWork says automatic assignment may give the agent work now.
	AcceptsWork bool       `json:"accepts_work"`
	LastSeenAt  *time.Time `json:"last_seen_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`

	// PasswordHash is the encoded password hash; never serialized.
	PasswordHash string `json:"-"`
}

// DefaultCapacity is the capacity of an agent created without one.
const DefaultCapacity = 5

// MaxCapacity bounds capacity to catch typos such as 10000.
const MaxCapacity = 1000

// Validate checks the fields a store requires, normalizing the email.
func (a *Agent) Validate() error {
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	a.Name = strings.TrimSpace(a.Name)
	if a.Email == "" {
		return FieldErrorf("email", "email is required")
	} else if !strings.Contains(a.Email, "@") || len(a.Email) > 254 {
		return FieldErrorf("email", "email is not a valid address")
	}
	if a.Name == "" {
		a.Name = a.Email[:strings.IndexByte(a.Email, '@')]
	} else if len(a.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	}
	if !a.Role.Valid() {
		return FieldErrorf("role", "role must be admin, supervisor or agent")
	}
	if a.Capacity < 0 || a.Capacity > MaxCapacity {
		return FieldErrorf("capacity", "capacity must be between 0 and %d", MaxCapacity)
	}
	for ch, n := range a.ChannelCapacity {
		if !ValidChannel(ch) {
			return FieldErrorf("channel_capacity", "unknown channel %q", ch)
		} else if n < 0 || n > MaxCapacity {
			return FieldErrorf("channel_capacity", "capacity for %s must be between 0 and %d", ch, MaxCapacity)
		}
	}
	return nil
}

// AgentFilter selects agents. Nil fields do not filter.
type AgentFilter struct {
	ID      *ID
	Email   *string
	QueueID *ID
	Role    *Role
	Cursor  string
	Limit   int
}

// AgentUpdate changes an agent. Nil fields are left alone. QueueIDs
// replaces the membership set (the Default queue is always kept).
type AgentUpdate struct {
	Name            *string         `json:"name"`
	Role            *Role           `json:"role"`
	Capacity        *int            `json:"capacity"`
	ChannelCapacity *map[string]int `json:"channel_capacity"`
	QueueIDs        *[]ID           `json:"queue_ids"`
	PasswordHash    *string         `json:"-"`
}

// AgentService manages accounts.
type AgentService interface {
	// CreateAgent stores a new agent (admin only) and makes it a member of
	// the Default queue. Returns EINVALID for bad fields and ECONFLICT
	// (code email_taken) when the email is in use.
	CreateAgent(ctx context.Context, a *Agent) error
	// FindAgentByID returns ENOTFOUND if the agent does not exist.
	FindAgentByID(ctx context.Context, id ID) (*Agent, error)
	// FindAgentByEmail returns the agent with its password hash, for login.
	// Returns ENOTFOUND if no agent has that email.
	FindAgentByEmail(ctx context.Context, email string) (*Agent, error)
	// FindAgents lists agents ordered by ID, with the next page's cursor.
	FindAgents(ctx context.Context, f AgentFilter) ([]*Agent, string, error)
	// UpdateAgent changes an agent. Supervisors may change capacity and
	// queues; only admins change roles. Returns ENOTFOUND, EFORBIDDEN, EINVALID.
	UpdateAgent(ctx context.Context, id ID, upd AgentUpdate) (*Agent, error)
}
