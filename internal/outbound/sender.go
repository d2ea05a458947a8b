package outbound

import (
	"context"
	"slices"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// route is where a reply goes: the channel kind, our sender address and
// the customer's contact address.
type route struct {
	Channel, From, To string
}

// routeOf decides a reply's route and checks it (C7, E4):
//   - the channel and contact default to the conversation's (the last used,
//     C7); a reply may name another channel and/or contact, which must be
//     one of the customer's contacts;
//   - when the conversation's queue has a default sender for the channel,
//     only that sender may reply (E4: "only senders from the queue the
//     conversation is assigned to are available"): it is chosen when the
//     request names none (also when the customer wrote to another of our
//     addresses, e.g. after a transfer: "the default sender of the queue
//     is chosen for the channel"), and any other named sender is refused
//     with sender_not_allowed;
//   - without a queue sender the choice is free: the named sender, else
//     the conversation's on its own channel, else the channel's
//     configured sender.
func (s *Service) routeOf(ctx context.Context, rc *desk.ReplyContext, req ReplyRequest) (route, error) {
	c := rc.Conversation
	r := route{Channel: c.Channel, From: c.SenderAddress, To: c.ContactAddress}
	if req.Channel != "" && req.Channel != c.Channel {
		if !desk.ValidChannel(req.Channel) || req.Channel == desk.ChannelInternal {
			return r, desk.FieldErrorf("channel", "unknown channel %q", req.Channel)
		}
		r.Channel, r.From, r.To = req.Channel, "", ""
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	if req.To != "" || r.To == "" {
		to, err := s.contactOf(sys, c, r.Channel, req.To)
		if err != nil {
			return r, err
		}
		r.To = to
	}
	q := rc.Queue
	if no, err := notMemberOf(ctx, rc); err != nil {
		return r, err
	} else if no {
		return r, &desk.Error{Kind: desk.EFORBIDDEN, Code: CodeNotInQueue, Field: "from", Message: notInQueueMessage(q)}
	}
	conf, err := s.configuredAt(ctx, r.Channel, rc.ConfigVersion)
	if err != nil {
		return r, err
	}
	def, hasDefault := defaultOf(q, r.Channel, conf)
	switch {
	case req.From != "":
		// Keyed as the channel reads numbers, like the queue's sender.
		r.From = phone.Sender(r.Channel, req.From, phone.ForChannel(r.Channel, "", ""))
	case hasDefault:
		r.From = def.Address
	case len(conf) > 0 && !slices.Contains(addresses(conf), r.From):
		// The conversation's sender (or none, on a changed channel) is no
		// channel's: the oldest channel of the kind answers, as before E4
		// a queue without default senders did.
		r.From = conf[0].Address
	}
	if hasDefault && r.From != def.Address {
		return r, &desk.Error{Kind: desk.EFORBIDDEN, Code: CodeSenderNotAllowed, Field: "from",
			Message: "replies in queue " + q.Name + " go out from its sender " + def.Address + " only",
			Detail:  map[string]any{"allowed": []string{def.Address}}}
	}
	if err := checkNamed("from", r.Channel, r.From, conf); err != nil {
		return r, err
	}
	return r, nil
}

// contactOf returns the customer's contact on a channel: the named address
// if it is one of theirs (EINVALID otherwise), else their first contact on
// that channel.
func (s *Service) contactOf(sys context.Context, c *desk.Conversation, channel, want string) (string, error) {
	if want != "" {
		norm, err := phone.Address("to", channel, want, phone.ForChannel(channel, "", ""))
		if err != nil {
			return "", err
		}
		if channel == c.Channel && norm == c.ContactAddress {
			return norm, nil
		}
		want = norm
	}
	if c.CustomerID == 0 {
		return "", desk.FieldErrorf("to", "the conversation has no customer with other contacts")
	}
	cu, err := s.Store.FindCustomerByID(sys, c.CustomerID)
	if err != nil {
		return "", err
	}
	var addrs []string
	for _, ct := range cu.Contacts {
		if ct.Channel == channel {
			addrs = append(addrs, ct.Address)
		}
	}
	switch {
	case want != "" && slices.Contains(addrs, want):
		return want, nil
	case want != "":
		return "", &desk.Error{Kind: desk.EINVALID, Code: "not_a_contact", Field: "to",
			Message: "the customer has no " + channel + " contact " + want}
	case len(addrs) == 0:
		return "", &desk.Error{Kind: desk.EINVALID, Code: "not_a_contact", Field: "channel",
			Message: "the customer has no " + channel + " contact"}
	}
	return addrs[0], nil
}
