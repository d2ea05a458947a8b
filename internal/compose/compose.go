// Package compose starts outbound conversations (C2–C4): it resolves To
// (a People customer, or a typed address normalized per C3), picks the
// queue's default sender (E4), checks the first message against the
// channel's rules and asks the store to create it all at once, after the
// one-ongoing-conversation check (C4).
package compose

import (
	"context"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// Service starts conversations.
type Service struct {
	Store    desk.Store
	Outbound *outbound.Service
	Phones   phone.Normalizer
}

// Request is a new conversation as an agent fills it in.
type Request struct {
	Channel string
	// Sender is From's address; empty takes the queue's default sender
	// for the channel (E4).
	Sender string
	// CustomerID is To as a People customer; ContactAddress chooses one of
	// their contacts. To is a typed address instead, for anyone.
	CustomerID     desk.ID
	ContactAddress string
	To             string
	CC, BCC        []string
	QueueID        desk.ID
	AssigneeID     *desk.ID
	Status         string
	Priority       string
	Tags           []string
	Subject        string
	Topic          string
	// Message is the first message; nil or empty starts without one.
	Message *outbound.ReplyRequest
}

// Result is the new conversation and its first message, if any.
type Result struct {
	*desk.Conversation
	Message *outbound.Reply `json:"message,omitempty"`
}

// Start creates the conversation or returns the C4 conflict:
// ongoing_conversation (with the conversation to continue) or
// ongoing_with_other_agent (naming the agent).
func (s *Service) Start(ctx context.Context, req Request) (*Result, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	n := &desk.NewConversation{Channel: req.Channel, Sender: strings.TrimSpace(req.Sender), CustomerID: req.CustomerID,
		CC: req.CC, BCC: req.BCC, QueueID: req.QueueID, AssigneeID: req.AssigneeID, Status: req.Status,
		Priority: req.Priority, Tags: req.Tags, Subject: req.Subject, Topic: req.Topic}
	if !desk.ValidChannel(req.Channel) || req.Channel == desk.ChannelInternal {
		return nil, desk.FieldErrorf("channel", "unknown channel %q", req.Channel)
	}
	if err := s.resolveTo(ctx, n, req); err != nil {
		return nil, err
	}
	if err := s.defaultSender(ctx, n); err != nil {
		return nil, err
	}
	var verdict outbound.Verdict
	if m := req.Message; m != nil && (m.Text != "" || m.Template != nil || m.Location != nil || len(m.Attachments) > 0) {
		first := *m
		// An email's first message goes out with the conversation's
		// subject (else its topic), CC and BCC unless it gives its own.
		if first.Subject == "" {
			first.Subject = req.Subject
			if first.Subject == "" {
				first.Subject = req.Topic
			}
		}
		if first.CC == nil && first.BCC == nil {
			first.CC, first.BCC = req.CC, req.BCC
		}
		msg, v, err := s.Outbound.Prepare(ctx, n.Channel, n.Sender, first)
		if err != nil {
			return nil, err
		}
		n.Message, verdict = msg, v
	}
	c, err := s.Store.StartConversation(ctx, n)
	if err != nil {
		return nil, err
	}
	res := &Result{Conversation: c}
	if n.Message != nil {
		res.Message = &outbound.Reply{Message: n.Message, Verdict: verdict}
		if n.Message.Send != nil && s.Outbound.Notify != nil {
			s.Outbound.Notify()
		}
	}
	return res, nil
}

// resolveTo fills the customer and contact of To. A typed phone number is
// looked up by its stripped digits first (C3: every format finds the same
// customer), then validated and normalized to E.164 where a country is
// known.
func (s *Service) resolveTo(ctx context.Context, n *desk.NewConversation, req Request) error {
	to := strings.TrimSpace(req.To)
	switch {
	case req.CustomerID != 0 && to != "":
		return desk.FieldErrorf("to", "give either customer_id or to, not both")
	case req.CustomerID != 0:
		n.ContactAddress = req.ContactAddress
		if phone.IsPhoneChannel(n.Channel) && n.ContactAddress != "" {
			n.ContactAddress = phone.Strip(n.ContactAddress)
		}
		return nil
	case to == "":
		return desk.FieldErrorf("to", "to is required: a customer or a contact address")
	}
	if !phone.IsPhoneChannel(n.Channel) {
		addr, err := desk.NormalizeAddress(n.Channel, to)
		if err != nil {
			return desk.FieldErrorf("to", "%s", desk.ErrorMessage(err))
		}
		n.ContactAddress = addr
		return nil
	}
	stripped := phone.Strip(to)
	if cu, err := s.Store.FindCustomerByContact(ctx, n.Channel, stripped); err == nil {
		n.CustomerID, n.ContactAddress = cu.ID, stripped
		return nil
	} else if desk.ErrorKind(err) != desk.ENOTFOUND {
		return err
	}
	addr, err := s.Phones.Normalize("to", to)
	if err != nil {
		return err
	}
	n.ContactAddress = addr
	return nil
}

// defaultSender takes the queue's default sender for the channel when
// From names none (E4).
func (s *Service) defaultSender(ctx context.Context, n *desk.NewConversation) error {
	if n.Sender != "" {
		return nil
	}
	var q *desk.Queue
	var err error
	if n.QueueID != 0 {
		q, err = s.Store.FindQueueByID(ctx, n.QueueID)
	} else {
		q, err = s.defaultQueue(ctx)
	}
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return desk.FieldErrorf("queue_id", "unknown queue")
	} else if err != nil {
		return err
	}
	if n.Sender = q.DefaultSenders[n.Channel]; n.Sender == "" {
		return desk.FieldErrorf("sender_address", "the queue %s has no default %s sender: choose one", q.Name, n.Channel)
	}
	return nil
}

// defaultQueue finds the Default queue.
func (s *Service) defaultQueue(ctx context.Context) (*desk.Queue, error) {
	qs, _, err := s.Store.FindQueues(ctx, desk.QueueFilter{Limit: 1})
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.IsDefault {
			return q, nil
		}
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "the Default queue is missing")
}
