package http

import (
	"context"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// webhookCounts is the 200 answer to a webhook: what was stored, and the
// dead letters of the batch items that were not (the provider must not
// retry either: the stored ones are kept, the others cannot succeed).
type webhookCounts struct {
	Messages    int      `json:"messages"`
	Receipts    int      `json:"receipts"`
	Dropped     int      `json:"dropped"`
	DeadLetters []string `json:"dead_letters"`
}

// deliverWebhook routes a parsed webhook's items to the channels owning
// them, dead-letters the malformed ones and stores the rest. A batch of
// which nothing could be used and something was malformed is refused
// (400 with the dead letter's ID); otherwise the answer is 200, so the
// provider does not send again what was stored.
func (s *Server) deliverWebhook(ctx context.Context, cs desk.ChannelStore, cfg *desk.ChannelConfig, ch desk.Channel,
	r *http.Request, body []byte, res *desk.WebhookResult) (*webhookCounts, error) {
	counts := &webhookCounts{DeadLetters: []string{}}
	others := 0
	var firstBad error
	reject := func(target *desk.ChannelConfig, source []byte, cause error) error {
		if len(source) == 0 {
			source = body
		}
		err := s.deadLetter(ctx, cs, target, r, source, cause)
		if e, ok := err.(*desk.Error); ok && e.Code == "malformed_payload" {
			counts.DeadLetters = append(counts.DeadLetters, e.Detail["dead_letter_id"].(string))
			if firstBad == nil {
				firstBad = err
			}
			return nil
		}
		return err
	}
	for _, rj := range res.Rejected {
		if err := reject(cfg, rj.Source, rj.Reason); err != nil {
			return nil, err
		}
	}
	rt := &accountRouter{s: s, cs: cs, cfg: cfg, ch: ch, found: map[string]*desk.ChannelConfig{}}
	parts := map[desk.ID]*desk.WebhookResult{}
	var order []*desk.ChannelConfig
	part := func(target *desk.ChannelConfig) *desk.WebhookResult {
		p, ok := parts[target.ID]
		if !ok {
			p = &desk.WebhookResult{}
			parts[target.ID] = p
			order = append(order, target)
		}
		return p
	}
	for i := range res.Messages {
		in := res.Messages[i]
		target, err := rt.route(ctx, in.Account)
		if err != nil {
			return nil, err
		} else if target == nil {
			counts.Dropped++
			continue
		}
		in.Channel = target.Kind
		if target.Sender != "" {
			in.To = target.Sender
		}
		err = s.inbound.Key(ctx, target, &in)
		if err == nil {
			err = in.Validate()
		}
		if err != nil {
			if err := reject(target, in.Source, err); err != nil {
				return nil, err
			}
			continue
		}
		p := part(target)
		p.Messages = append(p.Messages, in)
	}
	for _, rc := range res.Receipts {
		target, err := rt.route(ctx, rc.Account)
		if err != nil {
			return nil, err
		} else if target == nil {
			counts.Dropped++
			continue
		}
		p := part(target)
		p.Receipts = append(p.Receipts, rc)
	}
	for _, r := range res.Reactions {
		target, err := rt.route(ctx, r.Account)
		if err != nil {
			return nil, err
		} else if target != nil {
			p := part(target)
			p.Reactions = append(p.Reactions, r)
		}
	}
	for _, ev := range res.Events {
		target, err := rt.route(ctx, ev.Account)
		if err != nil {
			return nil, err
		} else if target != nil {
			p := part(target)
			p.Events = append(p.Events, ev)
		}
	}
	for _, in := range res.Echoes {
		target, err := rt.route(ctx, in.Account)
		if err != nil {
			return nil, err
		} else if target != nil {
			p := part(target)
			p.Echoes = append(p.Echoes, in)
		}
	}
	for _, target := range order {
		p := parts[target.ID]
		if err := s.inbound.Deliver(ctx, target, p); err != nil {
			return nil, err
		}
		counts.Messages += len(p.Messages)
		counts.Receipts += len(p.Receipts)
		others += len(p.Reactions) + len(p.Events) + len(p.Echoes)
	}
	if firstBad != nil && counts.Messages == 0 && counts.Receipts == 0 && counts.Dropped == 0 && others == 0 {
		return nil, firstBad
	}
	return counts, nil
}

// accountRouter finds the channel owning a provider account ID (see
// desk.AccountOwner): the channel whose URL was called when it owns it (or
// its adapter serves one account only), else another channel of the same
// provider. An ID no channel owns routes to nil: logged and dropped.
type accountRouter struct {
	s     *Server
	cs    desk.ChannelStore
	cfg   *desk.ChannelConfig
	ch    desk.Channel
	found map[string]*desk.ChannelConfig
	all   []*desk.ChannelConfig
}

func (rt *accountRouter) route(ctx context.Context, account string) (*desk.ChannelConfig, error) {
	owner, ok := rt.ch.(desk.AccountOwner)
	if account == "" || !ok || owner.OwnsAccount(account) {
		return rt.cfg, nil
	}
	if c, ok := rt.found[account]; ok {
		return c, nil
	}
	if rt.all == nil {
		all, err := rt.cs.FindChannels(ctx)
		if err != nil {
			return nil, err
		}
		rt.all = all
	}
	var target *desk.ChannelConfig
	for _, c := range rt.all {
		if c.ID == rt.cfg.ID || c.Provider != rt.cfg.Provider {
			continue
		}
		ad, err := rt.s.cfg.Channels.Adapter(c)
		if err != nil {
			continue
		}
		if o, ok := ad.(desk.AccountOwner); ok && o.OwnsAccount(account) {
			target = c
			break
		}
	}
	if target == nil {
		rt.s.cfg.Logger.Warn("webhook for an account no channel owns: dropped", "channel_id", rt.cfg.ID.String(),
			"provider", rt.cfg.Provider, "account", account)
	}
	rt.found[account] = target
	return target, nil
}
