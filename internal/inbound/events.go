package inbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// applyProviderEvents stores what a webhook carried beyond messages and
// receipts: reactions on the messages they react to, echoes of messages
// our account sent from another tool, and contact events (opt-outs,
// opt-ins, number changes). A reaction or echo with no message or
// conversation to go to is logged and skipped: the provider must not
// retry it.
func (p *Pipeline) applyProviderEvents(ctx context.Context, cfg *desk.ChannelConfig, res *desk.WebhookResult) error {
	cs := p.cfg.Store
	log := p.cfg.Logger.With("channel_id", cfg.ID.String(), "provider", cfg.Provider)
	for i := range res.Reactions {
		r := &res.Reactions[i]
		r.Channel = cfg.Kind
		if _, err := cs.ApplyReaction(ctx, r); desk.ErrorKind(err) == desk.ENOTFOUND || desk.ErrorKind(err) == desk.EINVALID {
			log.Info("reaction to an unknown message skipped", "external_id", r.ExternalID)
		} else if err != nil {
			return err
		}
	}
	for i := range res.Echoes {
		in := &res.Echoes[i]
		in.Channel, in.ChannelID = cfg.Kind, cfg.ID
		if cfg.Sender != "" {
			in.To = cfg.Sender
		}
		// The customer's address is keyed as every inbound one is (issue 16).
		if err := p.Key(ctx, cfg, in); err != nil {
			log.Info("echo with an unreadable address skipped", "external_id", in.ExternalID, "reason", desk.ErrorMessage(err))
			continue
		}
		if _, err := cs.StoreEcho(ctx, in); desk.ErrorKind(err) == desk.ENOTFOUND || desk.ErrorKind(err) == desk.EINVALID {
			log.Info("echo without a conversation skipped", "external_id", in.ExternalID, "reason", desk.ErrorMessage(err))
		} else if err != nil {
			return err
		}
	}
	for _, ev := range res.Events {
		ev.Channel = cfg.Kind
		pc := phone.ChannelContext(cfg.Kind, cfg, p.cfg.Phones.Region)
		for _, a := range []*string{&ev.Address, &ev.NewAddress} {
			if *a != "" {
				if k, err := phone.Address("address", cfg.Kind, *a, pc); err == nil {
					*a = k
				}
			}
		}
		var err error
		switch ev.Kind {
		case desk.ContactOptOut, desk.ContactOptIn:
			err = cs.SetOptOut(ctx, ev.Channel, ev.Address, ev.Kind == desk.ContactOptOut, ev.Reason)
		case desk.ContactAddressChanged:
			err = cs.ChangeContactAddress(ctx, ev.Channel, ev.Address, ev.NewAddress)
		}
		switch desk.ErrorKind(err) {
		case "":
			log.Info("contact event applied", "event", ev.Kind, "reason", ev.Reason)
		case desk.ENOTFOUND, desk.EINVALID, desk.ECONFLICT:
			log.Warn("contact event not applied", "event", ev.Kind, "reason", desk.ErrorMessage(err))
		default:
			return err
		}
	}
	return nil
}
