package desk

import (
	"context"
	"strings"
	"unicode/utf8"
)

// NewInternalConversation asks for a conversation between agents (C9): a
// topic, the queue it belongs to, optionally the conversation it follows
// up and an assignee, and the first message. It has no customer and runs
// on the "internal" channel, so nothing of it is ever sent on a channel.
type NewInternalConversation struct {
	Topic                string `json:"topic"`
	QueueID              ID     `json:"queue_id"`
	LinkedConversationID *ID    `json:"linked_conversation_id"`
	AssigneeID           *ID    `json:"assignee_id"`
	Text                 string `json:"text"`
}

// Validate checks the request's fields.
func (n *NewInternalConversation) Validate() error {
	n.Topic = strings.TrimSpace(n.Topic)
	if n.Topic == "" {
		return FieldErrorf("topic", "topic is required")
	} else if len(n.Topic) > 500 {
		return FieldErrorf("topic", "topic is longer than 500 characters")
	}
	if n.QueueID == 0 {
		return FieldErrorf("queue_id", "queue_id is required")
	}
	if strings.TrimSpace(n.Text) == "" {
		return FieldErrorf("text", "text is required")
	} else if utf8.RuneCountInString(n.Text) > MaxTextLength {
		return FieldErrorf("text", "text is longer than %d characters", MaxTextLength)
	}
	return nil
}

// InternalConversationService starts internal conversations.
type InternalConversationService interface {
	// CreateInternalConversation stores the conversation, its created event
	// and its first message in one transaction; any agent may create one
	// in any queue (field queue_id if unknown), and keeps seeing it there;
	// an assignee must belong to that queue (field assignee_id). The linked
	// conversation must be visible to the caller (field
	// linked_conversation_id). Returns the conversation and first message.
	CreateInternalConversation(ctx context.Context, n *NewInternalConversation) (*Conversation, *Message, error)
}
