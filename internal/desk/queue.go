package desk

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Queue groups conversations and the agents who work them (B1, B6).
type Queue struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
	// IsDefault marks the system Default queue: created on first start,
	// never deleted, every agent a member.
	IsDefault bool `json:"is_default"`
	// AutoAssign turns on automatic assignment (B3).
	AutoAssign bool `json:"auto_assign"`
	// ReturnOnOffline sends an agent's open conversations back to the queue
	// when the agent goes Offline.
	ReturnOnOffline bool `json:"return_on_offline"`
	// DefaultSenders maps a channel to the sender address used for new
	// conversations of this queue (E4).
	DefaultSenders map[string]string `json:"default_senders"`
	// BotURL, if set, is the bot that new conversations of the queue go to
	// first (C6 "All chatbots"); BotSecret signs the requests to it.
	BotURL    string `json:"bot_url"`
	BotSecret string `json:"-"`
	// SurveyEnabled sends a CSAT survey when a conversation of the queue
	// is solved or closed (C12).
	SurveyEnabled bool `json:"survey_enabled"`
	// AgentsAssignColleagues lets agents of the queue assign a new
	// conversation to a colleague of the queue (C2); without it they
	// assign only themselves. Supervisors and admins assign anyone.
	AgentsAssignColleagues bool `json:"agents_assign_colleagues"`
	// ServiceLevelSeconds is the queue's service-level target: a wait
	// answered within it counts as met on the wallboard (issue 23). 0 on
	// writes sets DefaultServiceLevelSeconds.
	ServiceLevelSeconds int       `json:"service_level_seconds"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// DefaultQueueName is the name of the system queue.
const DefaultQueueName = "Default queue"

// Validate checks a queue's fields.
func (q *Queue) Validate() error {
	q.Name = strings.TrimSpace(q.Name)
	if q.Name == "" {
		return FieldErrorf("name", "name is required")
	} else if len(q.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	}
	for ch := range q.DefaultSenders {
		if !ValidChannel(ch) {
			return FieldErrorf("default_senders", "unknown channel %q", ch)
		}
	}
	if q.ServiceLevelSeconds == 0 {
		q.ServiceLevelSeconds = DefaultServiceLevelSeconds
	} else if q.ServiceLevelSeconds < 1 || q.ServiceLevelSeconds > MaxServiceLevelSeconds {
		return &Error{Kind: EINVALID, Code: "invalid_service_level", Field: "service_level_seconds",
			Message: "service_level_seconds must be between 1 and 86400 (0: the default, 60)"}
	}
	if q.BotURL != "" {
		u, err := url.Parse(q.BotURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(q.BotURL) > 2000 {
			return FieldErrorf("bot_url", "bot_url must be an http(s) URL")
		}
		if len(q.BotSecret) < 16 {
			return FieldErrorf("bot_secret", "a bot needs a secret of at least 16 characters to sign its requests")
		}
	}
	return nil
}

// QueueFilter selects queues.
type QueueFilter struct {
	// MemberID restricts to queues the agent belongs to.
	MemberID *ID
	Cursor   string
	Limit    int
}

// QueueUpdate changes a queue; nil fields are left alone.
type QueueUpdate struct {
	Name            *string            `json:"name"`
	AutoAssign      *bool              `json:"auto_assign"`
	ReturnOnOffline *bool              `json:"return_on_offline"`
	DefaultSenders  *map[string]string `json:"default_senders"`
	BotURL          *string            `json:"bot_url"`
	BotSecret       *string            `json:"bot_secret"`
	SurveyEnabled   *bool              `json:"survey_enabled"`
	// AgentsAssignColleagues: see Queue.
	AgentsAssignColleagues *bool `json:"agents_assign_colleagues"`
	// ServiceLevelSeconds: see Queue.
	ServiceLevelSeconds *int `json:"service_level_seconds"`
}

// QueueService manages queues and their membership.
type QueueService interface {
	// CreateQueue stores a new queue (supervisor+). ECONFLICT (name_taken)
	// if the name is in use.
	CreateQueue(ctx context.Context, q *Queue) error
	// FindQueueByID returns ENOTFOUND if the queue does not exist.
	FindQueueByID(ctx context.Context, id ID) (*Queue, error)
	// FindDefaultQueue returns the system Default queue.
	FindDefaultQueue(ctx context.Context) (*Queue, error)
	// FindQueues lists queues, Default queue first, then by name.
	FindQueues(ctx context.Context, f QueueFilter) ([]*Queue, string, error)
	// UpdateQueue changes a queue (supervisor+).
	UpdateQueue(ctx context.Context, id ID, upd QueueUpdate) (*Queue, error)
	// DeleteQueue removes a queue (supervisor+). The Default queue is refused
	// with ECONFLICT (code default_queue); a queue that still holds open
	// conversations with ECONFLICT (code queue_not_empty).
	DeleteQueue(ctx context.Context, id ID) error
	// AddQueueMember makes the agent a member of the queue (idempotent).
	AddQueueMember(ctx context.Context, queueID, agentID ID) error
	// RemoveQueueMember removes a membership; refused for the Default queue.
	RemoveQueueMember(ctx context.Context, queueID, agentID ID) error
}
