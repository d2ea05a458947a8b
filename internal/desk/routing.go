package desk

import (
	"context"
	"strings"
	"time"
)

// RoutingRule sends a new inbound conversation to a queue (B2). Empty
// conditions match anything; all set conditions must match. Rules are
// tried in Position order; the first match wins and no match means the
// Default queue (B1).
type RoutingRule struct {
	ID       ID     `json:"id"`
	Position int    `json:"position"`
	Name     string `json:"name"`
	Channel  string `json:"channel"`
	// Sender and Receiver match the customer's and our address exactly
	// (phone numbers compared by digits).
	Sender   string `json:"sender"`
	Receiver string `json:"receiver"`
	// Keyword matches when the first message contains it, ignoring case.
	Keyword string `json:"keyword"`
	// AttributeKey/AttributeValue match a custom attribute of the customer.
	AttributeKey   string    `json:"attribute_key"`
	AttributeValue string    `json:"attribute_value"`
	QueueID        ID        `json:"queue_id"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate normalizes the rule and checks its fields (not the queue's
// existence, which the store checks).
func (r *RoutingRule) Validate() error {
	r.Name = strings.TrimSpace(r.Name)
	r.Keyword = strings.TrimSpace(r.Keyword)
	r.AttributeKey = strings.TrimSpace(r.AttributeKey)
	switch {
	case r.Name == "":
		return FieldErrorf("name", "name is required")
	case len(r.Name) > 200:
		return FieldErrorf("name", "name is longer than 200 characters")
	case r.Channel != "" && !ValidChannel(r.Channel):
		return FieldErrorf("channel", "unknown channel %q", r.Channel)
	case len(r.Keyword) > 200:
		return FieldErrorf("keyword", "keyword is longer than 200 characters")
	case (r.AttributeKey == "") != (r.AttributeValue == ""):
		return FieldErrorf("attribute_key", "attribute_key and attribute_value go together")
	case r.QueueID == 0:
		return FieldErrorf("queue_id", "queue_id is required")
	case r.Position < 0:
		return FieldErrorf("position", "position must not be negative")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"sender", &r.Sender}, {"receiver", &r.Receiver}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" {
			continue
		} else if r.Channel == "" {
			return FieldErrorf(f.name, "%s needs a channel", f.name)
		}
		a, err := NormalizeAddress(r.Channel, *f.v)
		if err != nil {
			return FieldErrorf(f.name, "%s", err.Error())
		}
		*f.v = a
	}
	if r.Channel == "" && r.Sender == "" && r.Receiver == "" && r.Keyword == "" && r.AttributeKey == "" {
		return FieldErrorf("channel", "a rule needs at least one condition")
	}
	return nil
}

// RoutingRuleUpdate changes a rule; nil fields are left alone.
type RoutingRuleUpdate struct {
	Position       *int    `json:"position"`
	Name           *string `json:"name"`
	Channel        *string `json:"channel"`
	Sender         *string `json:"sender"`
	Receiver       *string `json:"receiver"`
	Keyword        *string `json:"keyword"`
	AttributeKey   *string `json:"attribute_key"`
	AttributeValue *string `json:"attribute_value"`
	QueueID        *ID     `json:"queue_id"`
}

// RoutingService stores routing rules; reading is open to agents, changes
// to supervisors.
type RoutingService interface {
	// CreateRoutingRule adds a rule; a Position of 0 appends it.
	CreateRoutingRule(ctx context.Context, r *RoutingRule) error
	// FindRoutingRules lists rules in the order they are tried.
	FindRoutingRules(ctx context.Context) ([]*RoutingRule, error)
	// UpdateRoutingRule changes a rule; ENOTFOUND, EINVALID.
	UpdateRoutingRule(ctx context.Context, id ID, upd RoutingRuleUpdate) (*RoutingRule, error)
	// DeleteRoutingRule removes a rule; ENOTFOUND.
	DeleteRoutingRule(ctx context.Context, id ID) error
}

// Assignment is one automatic assignment (B3).
type Assignment struct {
	ConversationID ID        `json:"conversation_id"`
	QueueID        ID        `json:"queue_id"`
	AgentID        ID        `json:"agent_id"`
	WaitingSince   time.Time `json:"waiting_since"`
	AssignedAt     time.Time `json:"assigned_at"`
}

// AutoAssignService is the store's half of automatic assignment (B3).
type AutoAssignService interface {
	// AutoAssign gives up to max of the queue's waiting conversations
	// (highest priority first, then waiting longest), one at a time, each
	// to the best eligible agent at that moment (accepts work, below
	// capacity overall and for the channel; least loaded, then longest
	// since an assignment), in one transaction. It returns what it
	// assigned: fewer than max means nothing more can be assigned now (the
	// queue does not assign automatically, nothing waits, or nobody can
	// take it). System only.
	AutoAssign(ctx context.Context, queueID ID, max int) ([]Assignment, error)
}
