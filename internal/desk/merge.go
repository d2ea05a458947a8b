package desk

import "context"

// CodeDifferentCustomers refuses merging conversations of two customers.
const CodeDifferentCustomers = "different_customers"

// ConversationMerger merges conversations (C8).
type ConversationMerger interface {
	// MergeConversations merges other into the conversation id (the one the
	// agent has open) in one transaction: id survives with its ID, queue,
	// assignee, summary, topic and priority; both threads in one, in time
	// order; tags united; other closed with merged_into_id = id, so later
	// messages from either contact address thread into id.
	// ECONFLICT different_customers for two customers, conversation_closed
	// when id is closed; ENOTFOUND when either is not visible.
	MergeConversations(ctx context.Context, id, otherID ID) (*Conversation, error)
}
