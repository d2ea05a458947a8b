package routing

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// ruleStore is what the Router reads.
type ruleStore interface {
	FindRoutingRules(ctx context.Context) ([]*desk.RoutingRule, error)
	FindCustomerByContact(ctx context.Context, channel, address string) (*desk.Customer, error)
}

// ruleTTL bounds how stale the cached rules may be when another node
// changed them; changes on this node reload at once.
const ruleTTL = 5 * time.Second

// Router matches inbound messages against the routing rules (B2). Rules
// are cached; a change on this node (desk.ChangeRoutingRules) or the TTL
// reloads them.
type Router struct {
	store ruleStore
	now   func() time.Time

	mu     sync.Mutex
	rules  []*desk.RoutingRule
	loaded time.Time
}

// NewRouter returns a Router over store.
func NewRouter(store ruleStore) *Router {
	return &Router{store: store, now: time.Now}
}

// HandleChanges drops the cache when rules changed.
func (r *Router) HandleChanges(changes []desk.Change) {
	for _, ch := range changes {
		if ch.Type == desk.ChangeRoutingRules {
			r.mu.Lock()
			r.rules, r.loaded = nil, time.Time{}
			r.mu.Unlock()
			return
		}
	}
}

// Route returns the queue of the first matching rule, or 0 (the Default
// queue) when none matches. It only matters for a message that opens a
// conversation; the store ignores it otherwise.
func (r *Router) Route(ctx context.Context, in *desk.InboundMessage) (desk.ID, error) {
	rules, err := r.load(ctx)
	if err != nil || len(rules) == 0 {
		return 0, err
	}
	var attrs map[string]string
	for _, rule := range rules {
		if !matchMessage(rule, in) {
			continue
		}
		if rule.AttributeKey != "" {
			if attrs == nil {
				attrs = map[string]string{}
				sys := desk.NewContextWithActor(ctx, desk.SystemActor)
				cu, err := r.store.FindCustomerByContact(sys, in.Channel, in.From)
				if err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
					return 0, err
				} else if cu != nil {
					attrs = cu.Attributes
				}
			}
			if !strings.EqualFold(attrs[rule.AttributeKey], rule.AttributeValue) {
				continue
			}
		}
		return rule.QueueID, nil
	}
	return 0, nil
}

// matchMessage checks a rule's conditions that the message alone decides.
func matchMessage(rule *desk.RoutingRule, in *desk.InboundMessage) bool {
	switch {
	case rule.Channel != "" && rule.Channel != in.Channel:
		return false
	case rule.Sender != "" && !sameAddress(in.Channel, rule.Sender, in.From):
		return false
	case rule.Receiver != "" && !sameAddress(in.Channel, rule.Receiver, in.To):
		return false
	case rule.Keyword != "" && !strings.Contains(strings.ToLower(in.Text), strings.ToLower(rule.Keyword)):
		return false
	}
	return true
}

// sameAddress compares a rule's address with a message's, both keyed by
// package phone as the channel reads numbers (the server keyed them with
// the channel's country already; keying again changes no key).
func sameAddress(channel, ruleAddr, addr string) bool {
	if phone.IsPhoneChannel(channel) || channel == desk.ChannelAPI {
		pc := phone.ForChannel(channel, "", "")
		return phone.Sender(channel, ruleAddr, pc) == phone.Sender(channel, addr, pc)
	}
	a, err := desk.NormalizeAddress(channel, addr)
	return err == nil && a == ruleAddr
}

func (r *Router) load(ctx context.Context) ([]*desk.RoutingRule, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.loaded.IsZero() && r.now().Sub(r.loaded) < ruleTTL {
		return r.rules, nil
	}
	rules, err := r.store.FindRoutingRules(desk.NewContextWithActor(ctx, desk.SystemActor))
	if err != nil {
		return nil, err
	}
	r.rules, r.loaded = rules, r.now()
	return rules, nil
}
