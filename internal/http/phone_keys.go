package http

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// The phone numbers of requests are keyed by package phone (issue 16) as
// the channel they belong to reads them, before any use case sees them:
// People contacts, queue default senders, routing rules, channel senders.

// keySenders keys a queue's default senders in place.
func (s *Server) keySenders(ctx context.Context, senders map[string]string) {
	for ch, addr := range senders {
		senders[ch] = phone.Sender(ch, addr, s.phones.Context(ctx, ch, addr))
	}
}

// keyRule keys a routing rule's customer address (sender) and our address
// (receiver) on channel; an empty channel leaves them to validation.
func (s *Server) keyRule(ctx context.Context, channel string, sender, receiver *string) error {
	if channel == "" || !desk.ValidChannel(channel) {
		return nil
	}
	pc := s.phones.Typed(ctx, channel, "")
	if sender != nil && *sender != "" {
		a, err := phone.Address("sender", channel, *sender, pc)
		if err != nil {
			return err
		}
		*sender = a
	}
	if receiver != nil && *receiver != "" {
		// Our own number: read as the channel reads it (WhatsApp's digits
		// are international).
		*receiver = phone.Sender(channel, *receiver, s.phones.Context(ctx, channel, *receiver))
	}
	return nil
}

// keyChannel checks a channel's country setting and keys its sender.
func (s *Server) keyChannel(c *desk.ChannelConfig) error {
	if country := c.Settings[phone.CountrySetting]; !phone.ValidRegion(country) {
		return desk.FieldErrorf("settings", "country %q is not an ISO 3166 country code libphonenumber knows", country)
	}
	c.Sender = phone.Sender(c.Kind, c.Sender, phone.ChannelContext(c.Kind, c, s.phones.Region))
	return nil
}

// keyRuleUpdate keys an update's addresses on the channel it sets, else
// the rule's own.
func (s *Server) keyRuleUpdate(ctx context.Context, id desk.ID, upd *desk.RoutingRuleUpdate) error {
	if upd.Sender == nil && upd.Receiver == nil {
		return nil
	}
	channel := ""
	if upd.Channel != nil {
		channel = *upd.Channel
	} else {
		rules, err := s.cfg.Store.FindRoutingRules(ctx)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.ID == id {
				channel = r.Channel
			}
		}
	}
	return s.keyRule(ctx, channel, upd.Sender, upd.Receiver)
}
