package desk

import (
	"context"
	"time"
)

// Timeline event types (C11).
const (
	EventCreated         = "created"
	EventAssigned        = "assigned"
	EventUnassigned      = "unassigned"
	EventTransferred     = "transferred"
	EventStatusChanged   = "status_changed"
	EventPriorityChanged = "priority_changed"
	EventReopened        = "reopened"
	EventMacroApplied    = "macro_applied"
	EventMerged          = "merged"
	EventCustomerLinked  = "customer_linked"
	// EventCustomerMerged: the conversation's customer was united with
	// another (People merge, or one number found written two ways).
	EventCustomerMerged = "customer_merged"
	EventSurveySent     = "survey_sent"
	EventSurveyAnswered = "survey_answered"
	// EventAutoReplied: the queue's out-of-hours reply was sent (Data:
	// "message_id", "reason" out_of_hours, "until" the next opening).
	EventAutoReplied = "auto_replied"
	EventCall        = "call"
)

// Event is an entry of a conversation's timeline (C11), written in the same
// transaction as the change it records.
type Event struct {
	ID             ID     `json:"id"`
	ConversationID ID     `json:"conversation_id"`
	Type           string `json:"type"`
	// ActorID is the agent who caused it; nil for the system.
	ActorID   *ID            `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	Data      map[string]any `json:"data"`
	CreatedAt time.Time      `json:"created_at"`
}

// EventService reads timelines.
type EventService interface {
	// FindEvents returns a visible conversation's timeline, oldest first.
	FindEvents(ctx context.Context, conversationID ID) ([]*Event, error)
}
