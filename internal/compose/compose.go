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
	// Phones reads typed numbers with the sender's channel's country,
	// else the server's --phone-region.
	Phones phone.Book
}

// Request is a new conversation as an agent fills it in.
type Request struct {
	Channel string
	// Sender is From's address; empty takes the queue's default sender
	// for the channel (E4, see outbound.Service.NewSender).
	Sender string
	// CustomerID is To as a People customer; ContactAddress chooses one of
	// their contacts. To is a typed address instead, for anyone.
	CustomerID     desk.ID
	ContactAddress string
	To             string
	CC, BCC        []string
	QueueID        desk.ID
	AssigneeID     *desk.ID
	// Unassigned leaves it to the queue; otherwise a nil AssigneeID gives
	// it to the agent who starts it.
	Unassigned bool
	FormID     *desk.ID
	FormValues map[string]any
	Status     string
	Priority   string
	Tags       []string
	Subject    string
	Topic      string
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
		CC: req.CC, BCC: req.BCC, QueueID: req.QueueID, AssigneeID: req.AssigneeID, Unassigned: req.Unassigned,
		FormID: req.FormID, FormValues: req.FormValues, Status: req.Status,
		Priority: req.Priority, Tags: req.Tags, Subject: req.Subject, Topic: req.Topic}
	if !desk.ValidChannel(req.Channel) || req.Channel == desk.ChannelInternal {
		return nil, desk.FieldErrorf("channel", "unknown channel %q", req.Channel)
	}
	if n.Sender != "" {
		n.Sender = phone.Sender(n.Channel, n.Sender, s.Phones.Context(ctx, n.Channel, n.Sender))
	}
	// E4: only a sender the queue allows; none given takes its default.
	sender, queueID, err := s.Outbound.NewSender(ctx, n.Channel, n.Sender, n.QueueID)
	if err != nil {
		return nil, err
	}
	n.Sender, n.QueueID = sender, queueID
	if err := s.resolveTo(ctx, n, req); err != nil {
		return nil, err
	}
	to := n.ContactAddress
	if to == "" && n.CustomerID != 0 {
		// The customer's one contact on the channel, whose window (D6)
		// the first message is checked against; several: the store asks
		// which (contact_required).
		if cu, err := s.Store.FindCustomerByID(ctx, n.CustomerID); err == nil {
			var on []string
			for _, ct := range cu.Contacts {
				if ct.Channel == n.Channel {
					on = append(on, ct.Address)
				}
			}
			if len(on) == 1 {
				to = on[0]
			}
		}
	}
	var verdict outbound.Verdict
	if m := req.Message; m != nil && (m.Text != "" || m.Template != nil || m.Location != nil || len(m.Attachments) > 0) {
		// A customer who opted out of the channel is not written to (SMS
		// STOP, Viber unsubscribed), before anything is stored.
		if err := s.Outbound.CheckOptOut(ctx, n.Channel, to); err != nil {
			return nil, err
		}
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
		msg, v, err := s.Outbound.Prepare(ctx, n.Channel, n.Sender, to, first)
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
// keyed by package phone with the sender's channel's country (else the
// server's), so every written form finds the same customer (C3); a new
// number must be one libphonenumber knows as valid.
func (s *Service) resolveTo(ctx context.Context, n *desk.NewConversation, req Request) error {
	to := strings.TrimSpace(req.To)
	switch {
	case req.CustomerID != 0 && to != "":
		return desk.FieldErrorf("to", "give either customer_id or to, not both")
	case req.CustomerID != 0:
		n.ContactAddress = strings.TrimSpace(req.ContactAddress)
		if n.ContactAddress != "" {
			addr, err := phone.Address("contact_address", n.Channel, n.ContactAddress, s.phoneContext(ctx, n))
			if err != nil {
				return err
			}
			n.ContactAddress = addr
		}
		return nil
	case to == "":
		return desk.FieldErrorf("to", "to is required: a customer or a contact address")
	}
	addr, err := phone.Address("to", n.Channel, to, s.phoneContext(ctx, n))
	if err != nil {
		return err
	}
	if !phone.IsPhoneChannel(n.Channel) {
		n.ContactAddress = addr
		return nil
	}
	if cu, err := s.Store.FindCustomerByContact(ctx, n.Channel, addr); err == nil {
		n.CustomerID, n.ContactAddress = cu.ID, addr
		return nil
	} else if desk.ErrorKind(err) != desk.ENOTFOUND {
		return err
	}
	if _, ok := phone.Digits(addr); !ok || !phone.Valid(addr) {
		return desk.FieldErrorf("to", "%q is not a valid phone number", to)
	}
	n.ContactAddress = addr
	return nil
}

// phoneContext is how typed numbers are read on the new conversation's
// channel and sender.
func (s *Service) phoneContext(ctx context.Context, n *desk.NewConversation) phone.Context {
	return s.Phones.Typed(ctx, n.Channel, n.Sender)
}
