package desk

import (
	"context"
	"strings"
)

// NewConversation is a conversation an agent starts (C2): From is the
// channel and our sender address; To is a People customer (with the
// contact chosen when the customer has several on the channel) or a raw
// contact address. The first message is optional: a conversation may be
// started and written to afterwards.
type NewConversation struct {
	Channel string
	Sender  string
	// CustomerID names the customer in People; ContactAddress, if also
	// set, chooses one of their contacts on Channel. With CustomerID zero,
	// ContactAddress is the raw address (already normalized, see
	// internal/phone): its owner is found, or an unknown customer created.
	CustomerID     ID
	ContactAddress string
	CC, BCC        []string
	QueueID        ID
	// AssigneeID is the agent the conversation is assigned to (C2): the
	// caller; a colleague of the queue where the queue lets its agents
	// (Queue.AgentsAssignColleagues); anyone of the queue for supervisors.
	// Nil gives it to the agent who starts it, when they are a member of
	// the queue, unless Unassigned says the starter chose nobody.
	AssigneeID *ID
	Unassigned bool
	// FormID and FormValues set the conversation's form (C10) and values.
	FormID     *ID
	FormValues map[string]any
	Status     string
	Priority   string
	Tags       []string
	Subject    string
	Topic      string
	// Message is the first message, sent through the outbox when its Send
	// is set; nil starts the conversation without one.
	Message *Message
}

// Validate checks the fields that need no store.
func (n *NewConversation) Validate() error {
	if !ValidChannel(n.Channel) || n.Channel == ChannelInternal {
		return FieldErrorf("channel", "unknown channel %q", n.Channel)
	}
	if n.CustomerID == 0 && strings.TrimSpace(n.ContactAddress) == "" {
		return FieldErrorf("to", "to is required: a customer or a contact address")
	}
	if len(n.Sender) > 320 {
		return FieldErrorf("sender", "sender is longer than 320 characters")
	}
	if len(n.Subject) > 1000 {
		return FieldErrorf("subject", "subject is longer than 1000 characters")
	}
	if (len(n.CC) > 0 || len(n.BCC) > 0) && n.Channel != ChannelEmail {
		return FieldErrorf("cc", "cc and bcc are for email conversations")
	}
	for _, list := range []*[]string{&n.CC, &n.BCC} {
		for i, a := range *list {
			addr, err := NormalizeAddress(ChannelEmail, a)
			if err != nil {
				return FieldErrorf("cc", "%s", ErrorMessage(err))
			}
			(*list)[i] = addr
		}
	}
	if n.Message != nil {
		n.Message.Kind = KindMessage
		if err := n.Message.Validate(); err != nil {
			return err
		}
	}
	// The conversation's own checks (status, priority, tags, topic).
	c := n.conversation()
	c.CustomerID = 1
	if err := c.Validate(); err != nil {
		return err
	}
	n.Status, n.Priority, n.Tags, n.Topic = c.Status, c.Priority, c.Tags, c.Topic
	return nil
}

// conversation is the conversation n describes, before it is stored.
func (n *NewConversation) conversation() *Conversation {
	return &Conversation{Channel: n.Channel, CustomerID: n.CustomerID, Status: n.Status, Priority: n.Priority,
		Tags: n.Tags, Topic: n.Topic, QueueID: n.QueueID, AssigneeID: n.AssigneeID,
		ContactAddress: n.ContactAddress, SenderAddress: n.Sender, Subject: n.Subject}
}

// Codes of the ongoing-conversation check (C4).
const (
	// CodeOngoingConversation: the contact already has an ongoing
	// conversation with this sender that is unassigned or the caller's;
	// Detail "conversation" is the conversation to continue.
	CodeOngoingConversation = "ongoing_conversation"
	// CodeOngoingWithOtherAgent: another agent holds the ongoing
	// conversation; Detail names them ("agent_id", "agent_name").
	CodeOngoingWithOtherAgent = "ongoing_with_other_agent"
	// CodeContactRequired: the customer has several contacts on the
	// channel; Detail "contacts" lists them to choose from.
	CodeContactRequired = "contact_required"
)

// ConversationStarter starts outbound conversations.
type ConversationStarter interface {
	// StartConversation creates an agent-started conversation and its
	// first message in one transaction, after the one-ongoing-conversation
	// check (C4) made under the customer's lock: ECONFLICT
	// ongoing_conversation or ongoing_with_other_agent when one exists.
	// A raw address with no owner creates an unknown customer.
	StartConversation(ctx context.Context, n *NewConversation) (*Conversation, error)
}
