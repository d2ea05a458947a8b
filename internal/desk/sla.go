package desk

import (
	"context"
	"time"
)

// EventSLABreached is the timeline event written when a conversation
// misses a service-level target; Data holds "target" (first_response,
// next_response or resolution) and "due" (RFC 3339).
const EventSLABreached = "sla_breached"

// ChangeSLABreached announces a recorded breach (after commit), so the
// bus carries it to automation and the workspace.
const ChangeSLABreached = "conversation.sla_breached"

// ChangeSLARules announces a changed policy or calendar: QueueID is the
// queue concerned, 0 for a calendar (any queue may use it). The SLA
// tracker then recomputes the open conversations concerned.
const ChangeSLARules = "sla.rules"

// ChangeSLAUpdated announces a conversation's saved SLA status (its
// queue in QueueID), so the workspace refreshes its countdowns after the
// tracker, not before it.
const ChangeSLAUpdated = "sla.updated"

// SLA target names.
const (
	SLAFirstResponse = "first_response"
	SLANextResponse  = "next_response"
	SLAResolution    = "resolution"
)

// BusinessHours is one opening of a weekday: Day is "mon".."sun", Open
// and Close are local "HH:MM" ("24:00" closes at midnight).
type BusinessHours struct {
	Day   string `json:"day"`
	Open  string `json:"open"`
	Close string `json:"close"`
}

// BusinessCalendar is a set of business hours in an IANA time zone with
// holidays (local dates "YYYY-MM-DD"), assigned to queues.
type BusinessCalendar struct {
	ID        ID              `json:"id"`
	Name      string          `json:"name"`
	TimeZone  string          `json:"time_zone"`
	Hours     []BusinessHours `json:"hours"`
	Holidays  []string        `json:"holidays"`
	CreatedAt time.Time       `json:"created_at"`
}

// SLAPolicy holds a queue's targets for one priority ("" for any priority
// without its own policy), in business minutes of the queue's calendar
// (calendar minutes when the queue has none). A zero target is not set.
type SLAPolicy struct {
	ID                   ID        `json:"id"`
	QueueID              ID        `json:"queue_id"`
	Priority             string    `json:"priority"`
	FirstResponseMinutes int       `json:"first_response_minutes"`
	NextResponseMinutes  int       `json:"next_response_minutes"`
	ResolutionMinutes    int       `json:"resolution_minutes"`
	CreatedAt            time.Time `json:"created_at"`
}

// SLATarget is one running or finished target of a conversation.
type SLATarget struct {
	// Due is when the target falls due; nil when it is not running (no
	// policy target, or nothing awaited).
	Due *time.Time `json:"due"`
	// WarnAt is when a quarter of the target's business time is left
	// (the workspace's countdown turns amber); nil when Due is.
	WarnAt *time.Time `json:"warn_at,omitempty"`
	// MetAt is when it was met (first reply, solve), if it was.
	MetAt *time.Time `json:"met_at"`
	// Breached says the target was missed (now or earlier).
	Breached bool `json:"breached"`
}

// SLAStatus is a conversation's service-level state, computed from its
// timeline by package sla and stored for reports and the deadline worker.
type SLAStatus struct {
	ConversationID ID `json:"conversation_id"`
	// PolicyID is the policy applied; nil when none applies.
	PolicyID      *ID       `json:"policy_id"`
	FirstResponse SLATarget `json:"first_response"`
	NextResponse  SLATarget `json:"next_response"`
	Resolution    SLATarget `json:"resolution"`
	// NextDue is the earliest Due of a target not yet breached or met:
	// when the worker must look again. Nil when none runs.
	NextDue *time.Time `json:"next_due"`
	// UpdatedAt is when it was computed; nil before it ever was.
	UpdatedAt *time.Time `json:"updated_at"`
	// QueueID is the conversation's queue when computed (not stored):
	// whom the sla.updated change goes to.
	QueueID ID `json:"-"`
}

// SLATimelineItem kinds, in the order that matters to targets.
const (
	SLACustomerMessage = "customer_message" // inbound message from the customer
	SLAAgentReply      = "agent_reply"      // outbound message written by an agent (not a note, not automated)
	SLASolved          = "solved"           // status changed to solved or closed
	SLAReopened        = "reopened"         // status changed back from solved/closed
)

// SLATimelineItem is one fact of a conversation's timeline that targets
// depend on.
type SLATimelineItem struct {
	Kind string
	At   time.Time
}

// SLAInput is what a conversation's targets are computed from.
type SLAInput struct {
	ConversationID ID
	QueueID        ID
	Priority       string
	CreatedAt      time.Time
	// Policy is the applicable policy; nil when the queue has none.
	Policy *SLAPolicy
	// Calendar is the queue's calendar; nil for calendar time.
	Calendar *BusinessCalendar
	Items    []SLATimelineItem
	// Stored is the status last saved, nil if none.
	Stored *SLAStatus
}

// SLAService stores calendars, policies and conversations' SLA status.
// Changing calendars and policies is for supervisors and admins; reading
// a conversation's status needs access to the conversation.
type SLAService interface {
	// CreateCalendar stores a calendar (EINVALID on a bad zone or hours).
	CreateCalendar(ctx context.Context, c *BusinessCalendar) error
	// FindCalendars lists calendars by name.
	FindCalendars(ctx context.Context) ([]*BusinessCalendar, error)
	// FindCalendarByID returns ENOTFOUND if there is no such calendar.
	FindCalendarByID(ctx context.Context, id ID) (*BusinessCalendar, error)
	// UpdateCalendar replaces a calendar's name, zone, hours and holidays.
	UpdateCalendar(ctx context.Context, c *BusinessCalendar) error
	// DeleteCalendar removes a calendar; its queues fall back to calendar time.
	DeleteCalendar(ctx context.Context, id ID) error
	// SetQueueCalendar assigns a calendar to a queue (nil: none).
	SetQueueCalendar(ctx context.Context, queueID ID, calendarID *ID) error
	// QueueCalendarID returns the queue's calendar, nil if none.
	QueueCalendarID(ctx context.Context, queueID ID) (*ID, error)
	// CreateSLAPolicy stores a policy; ECONFLICT if the queue already has
	// one for the priority.
	CreateSLAPolicy(ctx context.Context, p *SLAPolicy) error
	// FindSLAPolicies lists policies, of one queue when queueID is not 0.
	FindSLAPolicies(ctx context.Context, queueID ID) ([]*SLAPolicy, error)
	// DeleteSLAPolicy removes a policy.
	DeleteSLAPolicy(ctx context.Context, id ID) error
	// FindSLAStatus returns a visible conversation's stored SLA status
	// (no targets when no policy applies to it).
	FindSLAStatus(ctx context.Context, conversationID ID) (*SLAStatus, error)
	// FindSLAStatuses returns the stored status of each visible
	// conversation of ids that has one (a policy applied), in one read:
	// the workspace's countdowns for a page of its list.
	FindSLAStatuses(ctx context.Context, ids []ID) ([]*SLAStatus, error)
	// LoadSLAInput reads what a conversation's targets depend on (system).
	LoadSLAInput(ctx context.Context, conversationID ID) (*SLAInput, error)
	// SaveSLAStatus stores a computed status (system). A target breached
	// now and not before gets an EventSLABreached on the timeline, once
	// even when nodes race; the breached targets recorded are returned.
	SaveSLAStatus(ctx context.Context, st *SLAStatus) ([]string, error)
	// FindSLADue returns conversations with a target due at or before t
	// (system), oldest first, at most limit.
	FindSLADue(ctx context.Context, t time.Time, limit int) ([]ID, error)
	// FindConversationsWithoutSLA pages through open or waiting
	// conversations of queues with a policy and no status yet (system).
	FindConversationsWithoutSLA(ctx context.Context, afterID ID, limit int) ([]ID, error)
	// FindOpenConversationsForSLA pages through open or waiting
	// conversations of a queue (0: of every queue with a policy or an SLA
	// status) after the rules changed (system).
	FindOpenConversationsForSLA(ctx context.Context, queueID, afterID ID, limit int) ([]ID, error)
	// FindSLAPolicyQueues lists the queues with a policy (system).
	FindSLAPolicyQueues(ctx context.Context) ([]ID, error)
}
