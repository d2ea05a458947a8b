package desk

import (
	"context"
	"time"
)

// ReplyContext is what an agent's reply checks before it is stored, read
// in one round trip (issue 22): the conversation as the actor may see it,
// its queue, whether the actor works that queue, and the conversation's
// own contact's customer-care window (D6) and opt-out.
type ReplyContext struct {
	Conversation *Conversation
	Queue        *Queue
	// InQueue says the actor is a member of the conversation's queue
	// (false for actors without an agent, such as the system).
	InQueue bool
	// Contact is set when LastInboundAt and OptOut are those of the
	// conversation's own channel and contact address as the store keys
	// them; otherwise they are unset and must be read apart.
	Contact       bool
	LastInboundAt *time.Time
	OptOut        *OptOut
	// ConfigVersion differs after every committed change to a configured
	// channel, by any node: a channel list read when it was seen is at
	// least as new as what the reply's read would answer. 0: unknown.
	ConfigVersion int64
}

// ReplyContextService reads a reply's context.
type ReplyContextService interface {
	// FindReplyContext returns ENOTFOUND if the conversation is missing
	// or not visible to the actor, as FindConversationByID.
	FindReplyContext(ctx context.Context, id ID) (*ReplyContext, error)
}
