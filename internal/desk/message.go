package desk

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Message kinds: a message travels between customer and agent; a note is
// internal, for agents only, never sent on a channel (D1, D3).
const (
	KindMessage = "message"
	KindNote    = "note"
)

// Directions of a message.
const (
	DirectionIn  = "in"  // from the customer
	DirectionOut = "out" // from an agent or the system
)

// Message types (D1).
const (
	TypeText     = "text"
	TypeImage    = "image"
	TypeFile     = "file"
	TypeVideo    = "video"
	TypeAudio    = "audio"
	TypeVoice    = "voice"
	TypeLocation = "location"
	TypeTemplate = "template"
)

// ValidMessageType reports whether t is a message type.
func ValidMessageType(t string) bool {
	switch t {
	case TypeText, TypeImage, TypeFile, TypeVideo, TypeAudio, TypeVoice, TypeLocation, TypeTemplate:
		return true
	}
	return false
}

// Delivery states of outbound messages (D2). Queued is the state between
// commit and the channel accepting the message.
const (
	DeliveryQueued    = "queued"
	DeliverySent      = "sent"
	DeliveryDelivered = "delivered"
	DeliverySeen      = "seen"
	DeliveryFailed    = "failed"
)

// MaxTextLength bounds a message's text on any channel; channels have
// their own, smaller limits (D4).
const MaxTextLength = 65536

// Message is one entry of a conversation's thread.
type Message struct {
	ID             ID     `json:"id"`
	ConversationID ID     `json:"conversation_id"`
	Kind           string `json:"kind"`
	Direction      string `json:"direction"`
	Type           string `json:"type"`
	Text           string `json:"text"`
	Channel        string `json:"channel"`
	// From and To are channel addresses (customer's and ours).
	From string `json:"from"`
	To   string `json:"to"`
	// AuthorID is the agent who wrote an outbound message or note.
	AuthorID *ID `json:"author_id"`
	// ExternalID is the provider's message ID; unique per channel.
	ExternalID    string    `json:"external_id,omitempty"`
	DeliveryState string    `json:"delivery_state,omitempty"`
	FailureReason string    `json:"failure_reason,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	// MaybeDuplicate marks a reply whose send was in flight when the
	// server stopped (a crash): it was sent again, and the customer may
	// have received it twice.
	MaybeDuplicate bool `json:"maybe_duplicate,omitempty"`
	// Attachments are the files stored with a note (D3), served at their
	// URL to agents who may see the conversation.
	Attachments []Attachment `json:"attachments,omitempty"`
	// Reactions are the customer's reactions to this message.
	Reactions []MessageReaction `json:"reactions,omitempty"`
	// Send, when set on an outbound message, makes CreateMessage enqueue
	// its send job in the same transaction (the outbox).
	Send *SendRequest `json:"-"`
	// Conversation, when set, is the conversation as the caller read it
	// for the same actor just before (the outbound service does, for the
	// channel rules): CreateMessage then skips reading it again.
	Conversation *Conversation `json:"-"`
}

// Validate checks and defaults an agent-written message or note.
func (m *Message) Validate() error {
	m.Text = CleanText(m.Text)
	if m.Send != nil {
		CleanStrings(m.Send)
	}
	if m.Kind == "" {
		m.Kind = KindMessage
	} else if m.Kind != KindMessage && m.Kind != KindNote {
		return FieldErrorf("type", "kind must be message or note")
	}
	if m.Type == "" {
		m.Type = TypeText
	} else if !ValidMessageType(m.Type) {
		return FieldErrorf("type", "unknown message type %q", m.Type)
	}
	if m.Text == "" && len(m.Attachments) == 0 {
		return FieldErrorf("text", "text is required")
	} else if !utf8.ValidString(m.Text) {
		return FieldErrorf("text", "text is not valid UTF-8")
	} else if utf8.RuneCountInString(m.Text) > MaxTextLength {
		return FieldErrorf("text", "text is longer than %d characters", MaxTextLength)
	}
	return nil
}

// MessageFilter pages through a thread, oldest first.
type MessageFilter struct {
	Cursor string
	Limit  int
}

// InboundMessage is a customer message arriving on a channel.
type InboundMessage struct {
	Channel    string
	From       string // customer's address
	To         string // our address (receiver)
	Text       string
	Type       string
	ExternalID string
	// Name is the customer's profile name where the channel tells it.
	Name string
	// Profile is what the provider tells of the customer beyond a name
	// (Viber: avatar_url, language): it fills the customer's attributes of
	// those names that are empty, never one an agent set.
	Profile map[string]string
	// Email is an address the customer gave (Live Chat's pre-chat form):
	// it becomes their email contact if no customer has it.
	Email string
	// Attachments and Location are what media and location messages carry
	// (D1, D7), as the provider described them.
	Attachments []Attachment
	Location    *Location
	// Subject, CC and ThreadRefs are email's (H1): the subject becomes a new
	// conversation's topic; ThreadRefs are the Message-IDs of In-Reply-To
	// and References, which thread the message into the open conversation
	// holding any of them before the sender's own ongoing one (so a CC'd
	// colleague's reply joins the thread).
	Subject    string
	CC         []string
	ThreadRefs []string
	// QueueID is where a new conversation goes; zero means the Default
	// queue. Routing (B2) decides it before ingestion.
	QueueID ID
	// ChannelID is the configured channel the message came through; a
	// pending attachment's media job fetches through its adapter.
	ChannelID ID
	// Account is the provider's ID of our account the message came
	// through (a phone_number_id, page ID): the server routes by it (see
	// AccountOwner). Empty where the provider has one account per URL.
	Account string
	// Source is the provider's item the message was parsed from, kept as
	// a dead letter if the message is refused.
	Source []byte
}

// Validate checks and normalizes an inbound message.
func (in *InboundMessage) Validate() error {
	CleanStrings(in)
	if !ValidChannel(in.Channel) || in.Channel == ChannelInternal {
		return FieldErrorf("channel", "unknown channel %q", in.Channel)
	}
	from, err := NormalizeAddress(in.Channel, in.From)
	if err != nil {
		return FieldErrorf("from", "%s", ErrorMessage(err))
	}
	in.From = from
	// A provider's profile name fills an unknown customer's name: kept to
	// what a profile holds, never refused for it.
	in.Name = strings.TrimSpace(in.Name)
	if !utf8.ValidString(in.Name) {
		in.Name = ""
	}
	for len(in.Name) > 200 {
		_, size := utf8.DecodeLastRuneInString(in.Name)
		in.Name = in.Name[:len(in.Name)-size]
	}
	if a, err := NormalizeAddress(ChannelEmail, in.Email); err == nil {
		in.Email = a
	} else {
		in.Email = "" // a hint, never a reason to refuse the message
	}
	if len(in.To) > 320 {
		return FieldErrorf("to", "to is longer than 320 characters")
	}
	if in.Type == "" {
		in.Type = TypeText
	} else if !ValidMessageType(in.Type) {
		return FieldErrorf("type", "unknown message type %q", in.Type)
	}
	if in.Text == "" && in.Type == TypeText {
		return FieldErrorf("text", "text is required")
	} else if !utf8.ValidString(in.Text) {
		return FieldErrorf("text", "text is not valid UTF-8")
	} else if utf8.RuneCountInString(in.Text) > MaxTextLength {
		return FieldErrorf("text", "text is longer than %d characters", MaxTextLength)
	}
	if in.ExternalID == "" {
		return FieldErrorf("external_id", "external_id is required")
	} else if len(in.ExternalID) > 255 {
		return FieldErrorf("external_id", "external_id is longer than 255 characters")
	}
	return nil
}

// IngestResult is what ingesting an inbound message did.
type IngestResult struct {
	Message      *Message      `json:"message"`
	Conversation *Conversation `json:"conversation"`
	Customer     *Customer     `json:"customer"`
	// Duplicate is true when the external ID was seen before; the original
	// message is returned and nothing changed.
	Duplicate bool `json:"duplicate"`
	// NewConversation and NewCustomer tell what was created.
	NewConversation bool `json:"new_conversation"`
	NewCustomer     bool `json:"new_customer"`
	// Reopened is true when the message reopened a solved conversation
	// (told to this node's listeners in Change.Reopened; not in the API).
	Reopened bool `json:"-"`
}

// MessageService stores threads.
type MessageService interface {
	// CreateMessage adds an agent's outbound message or internal note to a
	// visible conversation. Outbound messages start Queued; a reply clears
	// the conversation's pending state.
	CreateMessage(ctx context.Context, m *Message) error
	// FindMessages returns a visible conversation's thread, oldest first.
	FindMessages(ctx context.Context, conversationID ID, f MessageFilter) ([]*Message, string, error)
	// IngestMessage stores an inbound message in one transaction: finds or
	// creates the customer by contact address, threads into the customer's
	// ongoing (not closed) conversation or opens one (C5), and is idempotent
	// on (channel, external ID). System actor only.
	IngestMessage(ctx context.Context, in *InboundMessage) (*IngestResult, error)
}
