package desk

import (
	"context"
	"strings"
	"time"
)

// Conversation statuses (C1).
const (
	ConversationOpen    = "open"
	ConversationWaiting = "waiting"
	ConversationSolved  = "solved"
	ConversationClosed  = "closed"
)

// ValidConversationStatus reports whether s is a conversation status.
func ValidConversationStatus(s string) bool {
	switch s {
	case ConversationOpen, ConversationWaiting, ConversationSolved, ConversationClosed:
		return true
	}
	return false
}

// Priorities (C1), lowest first.
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// PriorityRank orders priorities: higher is more urgent; 0 for unknown.
func PriorityRank(p string) int {
	switch p {
	case PriorityLow:
		return 1
	case PriorityNormal:
		return 2
	case PriorityHigh:
		return 3
	case PriorityUrgent:
		return 4
	}
	return 0
}

// Conversation is an exchange with a customer on a channel (C1).
type Conversation struct {
	ID         ID       `json:"id"`
	Channel    string   `json:"channel"`
	CustomerID ID       `json:"customer_id"`
	Status     string   `json:"status"`
	Priority   string   `json:"priority"`
	Tags       []string `json:"tags"`
	Topic      string   `json:"topic"`
	Summary    string   `json:"summary"`
	QueueID    ID       `json:"queue_id"`
	AssigneeID *ID      `json:"assignee_id"`
	// ContactAddress is the customer's address the conversation runs on;
	// SenderAddress is our side (the receiver of inbound messages).
	ContactAddress string `json:"contact_address"`
	SenderAddress  string `json:"sender_address"`
	// ContactDisplay is ContactAddress as shown: a phone number formatted
	// ("+1 202-555-0177"). Read only.
	ContactDisplay string `json:"contact_display"`
	// MergedIntoID points a closed conversation at the one it was merged
	// into (C8).
	MergedIntoID *ID `json:"merged_into_id"`
	// Subject, CC and BCC are what an email conversation carries (C2, H1).
	Subject string   `json:"subject"`
	CC      []string `json:"cc"`
	BCC     []string `json:"bcc"`
	// FormID is the conversation's form and FormValues its field values
	// (C10), keyed by field name.
	FormID     *ID            `json:"form_id"`
	FormValues map[string]any `json:"form_values"`
	// LinkedConversationID is the conversation an internal conversation
	// follows up (C9).
	LinkedConversationID *ID `json:"linked_conversation_id"`
	// Survey is the CSAT survey sent on solving or closing (C12), if any.
	Survey *Survey `json:"survey"`

	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
	LastMessageAt         *time.Time `json:"last_message_at"`
	LastCustomerMessageAt *time.Time `json:"last_customer_message_at"`
	ClosedAt              *time.Time `json:"closed_at"`

	// Read-only names for list views, filled by the store.
	CustomerName string `json:"customer_name"`
	QueueName    string `json:"queue_name"`
	AssigneeName string `json:"assignee_name"`
	// Bot names the bot holding the conversation before agents (C6); ""
	// once handed off or for queues without a bot.
	Bot string `json:"bot,omitempty"`
	// LastMessage previews the newest message for list rows; LastOutFailed
	// says the newest reply failed to send (the row's failure marker).
	// Filled by the list and by a fetch by ID.
	LastMessage   *MessagePreview `json:"last_message,omitempty"`
	LastOutFailed bool            `json:"last_out_failed"`
	// RowVersion changes (in the database) with every change to anything
	// the row shows, the preview and names included; with ID and
	// CreatedAt it names one rendering of the row (issue 22's list row
	// caches). Set by reads that select it, else 0. Not part of the API.
	RowVersion int64 `json:"-"`
}

// PreviewFiller fills LastMessage and LastOutFailed of conversations the
// caller may see (FindConversations fills them itself).
type PreviewFiller interface {
	FillPreviews(ctx context.Context, convs ...*Conversation) error
	// FindConversationRow returns a conversation as the caller may see
	// it with its preview filled, as a list row shows it (and as
	// FindConversationByID then FillPreviews read it), ENOTFOUND if
	// missing or not visible; RowVersion is set.
	FindConversationRow(ctx context.Context, id ID) (*Conversation, error)
	// FindConversationRows is FindConversations for a caller that only
	// reads the rows (renders them): they may be shared with the store's
	// row cache, so the caller must not change them.
	FindConversationRows(ctx context.Context, f ConversationFilter) ([]*Conversation, string, error)
}

// MessagePreview is the start of a conversation's newest message.
type MessagePreview struct {
	Direction     string `json:"direction"`
	Type          string `json:"type"`
	Text          string `json:"text"`
	DeliveryState string `json:"delivery_state,omitempty"`
}

// PreviewLength is how much of a message's text a preview keeps.
const PreviewLength = 140

// Validate checks and defaults a new conversation's fields.
func (c *Conversation) Validate() error {
	if !ValidChannel(c.Channel) {
		return FieldErrorf("channel", "unknown channel %q", c.Channel)
	}
	// A new conversation needs its customer; an existing one may have been
	// unlinked from its customer since (F2).
	if c.ID == 0 && c.CustomerID == 0 && c.Channel != ChannelInternal {
		return FieldErrorf("customer_id", "customer_id is required")
	}
	if c.Status == "" {
		c.Status = ConversationOpen
	} else if !ValidConversationStatus(c.Status) {
		return FieldErrorf("status", "status must be open, waiting, solved or closed")
	}
	if c.Priority == "" {
		c.Priority = PriorityNormal
	} else if PriorityRank(c.Priority) == 0 {
		return FieldErrorf("priority", "priority must be low, normal, high or urgent")
	}
	tags, err := NormalizeTags(c.Tags)
	if err != nil {
		return err
	}
	c.Tags = tags
	c.Topic = strings.TrimSpace(c.Topic)
	if len(c.Topic) > 500 {
		return FieldErrorf("topic", "topic is longer than 500 characters")
	}
	if len(c.Summary) > 10000 {
		return FieldErrorf("summary", "summary is longer than 10000 characters")
	}
	return nil
}

// Views of the conversation list (C6).
const (
	ViewMine       = "mine"       // My Work: assigned to me, not closed
	ViewAll        = "all"        // All Work: not closed
	ViewUnassigned = "unassigned" // not closed, nobody assigned
	ViewBots       = "bots"       // held by a bot
	ViewHistory    = "history"    // closed
)

// Sort orders of the conversation list (C6).
const (
	SortOldestPending = "oldest_pending" // All Work default: oldest last message first
	SortLatestPending = "latest_pending"
	SortStatus        = "status"        // alphabetical by status
	SortCustomer      = "customer"      // name, else contact address
	SortQueue         = "queue"         // Default queue first, then by name
	SortOldestClosed  = "oldest_closed" // History default
	SortLatestClosed  = "latest_closed"
)

// ViewSorts lists the sort orders each view accepts; the first is the default.
var ViewSorts = map[string][]string{
	ViewMine:       {SortOldestPending, SortLatestPending, SortStatus, SortCustomer, SortQueue},
	ViewAll:        {SortOldestPending, SortLatestPending, SortStatus, SortCustomer, SortQueue},
	ViewUnassigned: {SortOldestPending, SortLatestPending, SortStatus, SortCustomer, SortQueue},
	ViewBots:       {SortOldestPending, SortLatestPending, SortStatus, SortCustomer, SortQueue},
	ViewHistory:    {SortOldestClosed, SortLatestClosed, SortCustomer, SortQueue},
}

// ConversationFilter selects conversations for a list view. Nil or empty
// fields do not filter. The store always restricts an agent to the queues
// they belong to, inside the query.
type ConversationFilter struct {
	View       string
	Sort       string
	Status     string
	QueueID    *ID
	AssigneeID *ID
	CustomerID *ID
	Channel    string
	Tag        string
	Priority   string
	Cursor     string
	Limit      int
}

// Validate defaults the view and sort and rejects unknown values.
func (f *ConversationFilter) Validate() error {
	if f.View == "" {
		f.View = ViewAll
	}
	sorts, ok := ViewSorts[f.View]
	if !ok {
		return FieldErrorf("view", "view must be mine, all, unassigned, bots or history")
	}
	if f.Sort == "" {
		f.Sort = sorts[0]
	} else if !contains(sorts, f.Sort) {
		return FieldErrorf("sort", "view %s sorts by %s", f.View, strings.Join(sorts, ", "))
	}
	if f.Status != "" && !ValidConversationStatus(f.Status) {
		return FieldErrorf("status", "status must be open, waiting, solved or closed")
	}
	if f.Priority != "" && PriorityRank(f.Priority) == 0 {
		return FieldErrorf("priority", "priority must be low, normal, high or urgent")
	}
	if f.Channel != "" && !ValidChannel(f.Channel) {
		return FieldErrorf("channel", "unknown channel %q", f.Channel)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ConversationUpdate changes a conversation; nil fields are left alone.
// Tags replaces the set.
type ConversationUpdate struct {
	Status   *string   `json:"status"`
	Priority *string   `json:"priority"`
	Tags     *[]string `json:"tags"`
	Topic    *string   `json:"topic"`
	Summary  *string   `json:"summary"`
	// FormID sets the conversation's form (C10); a different form drops
	// the previous form's values.
	FormID *ID `json:"form_id"`
	// FormValues sets field values of the form: each key given is set, a
	// null or empty value clears it; others are kept.
	FormValues map[string]any `json:"form_values"`
	// Survey asks for the CSAT survey (C12) with the change, as the use
	// case decided (internal/survey: Owed, over the conversation and its
	// queue as read). The store writes it, in the change's transaction,
	// only when this change is the one that solves or closes the
	// conversation and it has no survey yet. Not part of the API.
	Survey bool `json:"-"`
}

// Transfer moves a conversation to another agent or queue (B5). Exactly one
// of the two is set; a queue transfer leaves it unassigned in that queue.
type Transfer struct {
	AgentID *ID `json:"agent_id"`
	QueueID *ID `json:"queue_id"`
}

// ConversationService manages conversations. Every method scopes by the
// actor of ctx: an agent reaches only conversations of their queues, and a
// conversation they cannot see is ENOTFOUND.
type ConversationService interface {
	// CreateConversation stores a new conversation with a "created" event.
	CreateConversation(ctx context.Context, c *Conversation) error
	// FindConversationByID returns ENOTFOUND if missing or not visible.
	FindConversationByID(ctx context.Context, id ID) (*Conversation, error)
	// FindConversations lists a view (C6) with the next page's cursor.
	FindConversations(ctx context.Context, f ConversationFilter) ([]*Conversation, string, error)
	// UpdateConversation changes fields and records timeline events for
	// status and priority changes.
	UpdateConversation(ctx context.Context, id ID, upd ConversationUpdate) (*Conversation, error)
	// AssignConversation gives an unassigned conversation to an agent (B4)
	// with one conditional update: if anyone else holds it the result is
	// ECONFLICT with code already_assigned and the holder in Detail. An
	// agent may assign only to themselves (take); supervisors to any member
	// of the conversation's queue. Assigning to the current holder is a no-op.
	AssignConversation(ctx context.Context, id, agentID ID) (*Conversation, error)
	// UnassignConversation returns a conversation to its queue.
	UnassignConversation(ctx context.Context, id ID) (*Conversation, error)
	// TransferConversation moves it to an agent or queue with an event (B5).
	TransferConversation(ctx context.Context, id ID, t Transfer) (*Conversation, error)
}
