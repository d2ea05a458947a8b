package desk

import "context"

// CodeDifferentCustomers refuses merging conversations of two customers.
const CodeDifferentCustomers = "different_customers"

// ConversationMerger merges conversations (C8).
type ConversationMerger interface {
	// MergeConversations merges other into the conversation id (the one the
	// agent has open) in one transaction: both threads in one, in time
	// order; queue, assignee, summary, topic and priority of id kept; tags
	// united; the older conversation closed and pointing at the survivor
	// (the newer one, or id when the other is closed already), so later
	// messages from either contact address thread into the survivor.
	// ECONFLICT different_customers for two customers, conversation_closed
	// when id is closed; ENOTFOUND when either is not visible.
	MergeConversations(ctx context.Context, id, otherID ID) (*Conversation, error)
}
