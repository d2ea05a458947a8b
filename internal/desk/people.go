package desk

import "context"

// History limits of a customer's conversation history (F3): the first
// page shows 5, "show more" pages on, and no more than 1000 are listed.
const (
	HistoryDefaultLimit = 5
	HistoryMaxTotal     = 1000
)

// HistoryFilter pages through a customer's conversations, newest first.
type HistoryFilter struct {
	Channel string
	Cursor  string
	Limit   int
}

// PeopleService links customers and conversations (F1-F3). Customers
// themselves are not scoped by queue: People is one directory every agent
// searches to start conversations; what a customer's history shows is
// scoped (only conversations of queues the actor may see). Merging
// customers is internal/merge's use case.
type PeopleService interface {
	// FindDuplicateCustomers lists pairs of customers that may be one
	// person (same name, one address on two channels, same email local
	// part), for supervisors to merge; at most limit pairs, older first.
	// Supervisors and admins only (EFORBIDDEN).
	FindDuplicateCustomers(ctx context.Context, limit int) ([]*DuplicateCustomers, error)
	// LinkConversation sets (customerID non-nil) or clears the customer of
	// a visible conversation (F2), with a customer_linked event. Linking
	// also gives the customer the conversation's contact address when
	// nobody owns it, so later messages from it auto-link. EINVALID for an
	// internal conversation or an unknown customer (field customer_id).
	LinkConversation(ctx context.Context, conversationID ID, customerID *ID) (*Conversation, error)
	// FindCustomerConversations lists a customer's conversations newest
	// first (F3), only those of queues the actor may see, never internal
	// ones: HistoryDefaultLimit by default, at most HistoryMaxTotal in all
	// pages together. ENOTFOUND for an unknown customer.
	FindCustomerConversations(ctx context.Context, customerID ID, f HistoryFilter) ([]*Conversation, string, error)
}

// DuplicateCustomers is a pair of customers that may be one person.
type DuplicateCustomers struct {
	Customers []*Customer `json:"customers"`
	// Reason says why: same_name, same_address (one phone number or
	// address on two channels), same_email_local_part.
	Reason string `json:"reason"`
}
