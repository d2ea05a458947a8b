package call

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// IntakeStore is what a call arriving from the SIP trunk needs of the
// store: the caller's customer record, a conversation on the Voice
// channel for the call's timeline, and the Voice channel of the number
// called (its queue).
type IntakeStore interface {
	FindChannelBySender(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error)
	FindCustomerByContact(ctx context.Context, channel, address string) (*desk.Customer, error)
	CreateCustomer(ctx context.Context, c *desk.Customer) error
	FindConversations(ctx context.Context, f desk.ConversationFilter) ([]*desk.Conversation, string, error)
	CreateConversation(ctx context.Context, c *desk.Conversation) error
}

// Router picks the queue of a new inbound conversation (B2); zero is the
// Default queue.
type Router func(ctx context.Context, in *desk.InboundMessage) (desk.ID, error)

// IncomingSIP takes a call arriving from the SIP trunk from number from to
// our number to (I1): the caller's ongoing Voice conversation is
// continued, else one is opened in the queue routing picks; connect hooks
// the caller's media to the new call's ID before any agent can answer;
// then the call rings the queue's agents like a call-link call. The
// caller hears the queue's music while waiting.
func (s *Service) IncomingSIP(ctx context.Context, from, to string, connect func(callID string) error) (string, error) {
	intake, route := s.intake, s.router
	if intake == nil {
		return "", desk.Errorf(desk.EINVALID, "calls from the SIP trunk are not enabled")
	}
	sys := desk.NewContextWithActor(context.WithoutCancel(ctx), desk.SystemActor)
	conv, err := s.voiceConversation(sys, intake, route, from, to)
	if err != nil {
		return "", err
	}
	id := s.newID()
	if err := connect(id); err != nil {
		return "", err
	}
	var prefer desk.ID
	if conv.AssigneeID != nil {
		prefer = *conv.AssigneeID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inbound(ctx, id, conv.ID, conv.QueueID, prefer, true)
	return id, nil
}

// voiceConversation returns the caller's ongoing Voice conversation or
// opens one, creating the caller as an unknown customer if needed.
func (s *Service) voiceConversation(ctx context.Context, st IntakeStore, route Router, from, to string) (*desk.Conversation, error) {
	addr, err := phone.Address("from", desk.ChannelVoice, from, phone.Context{Region: s.cfg.PhoneRegion})
	if err != nil {
		return nil, err
	}
	// What routing rules (B2) read of an inbound contact: channel, the
	// caller and the number called.
	in := &desk.InboundMessage{Channel: desk.ChannelVoice, From: addr, To: to, Type: desk.TypeText}
	cu, err := st.FindCustomerByContact(ctx, desk.ChannelVoice, in.From)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		cu = &desk.Customer{Contacts: []desk.Contact{{Channel: desk.ChannelVoice, Address: in.From}}}
		err = st.CreateCustomer(ctx, cu)
		if desk.ErrorKind(err) == desk.ECONFLICT { // the same caller twice at once
			cu, err = st.FindCustomerByContact(ctx, desk.ChannelVoice, in.From)
		}
	}
	if err != nil {
		return nil, err
	}
	for _, status := range []string{desk.ConversationOpen, desk.ConversationWaiting} {
		convs, _, err := st.FindConversations(ctx, desk.ConversationFilter{CustomerID: &cu.ID, Channel: desk.ChannelVoice, Status: status, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(convs) > 0 {
			return convs[0], nil
		}
	}
	var queue desk.ID
	if q, ok := voiceChannelQueue(ctx, st, to); ok {
		queue = q // the Voice channel of the number called names its queue (K)
	} else if route != nil {
		if queue, err = route(ctx, in); err != nil {
			return nil, err
		}
	}
	conv := &desk.Conversation{Channel: desk.ChannelVoice, CustomerID: cu.ID, QueueID: queue, ContactAddress: in.From, SenderAddress: in.To}
	if err := st.CreateConversation(ctx, conv); err != nil {
		return nil, err
	}
	return conv, nil
}

// voiceChannelQueue returns the queue of the Voice channel configured for
// the number called (K: numbers on the SIP trunk, per queue), if any.
func voiceChannelQueue(ctx context.Context, st IntakeStore, to string) (desk.ID, bool) {
	if to == "" {
		return 0, false
	}
	num, err := desk.NormalizeAddress(desk.ChannelVoice, to)
	if err != nil {
		return 0, false
	}
	cfg, err := st.FindChannelBySender(ctx, desk.ChannelVoice, num)
	if err != nil || cfg.QueueID == nil {
		return 0, false
	}
	if own, err := desk.NormalizeAddress(desk.ChannelVoice, cfg.Sender); err != nil || own != num {
		return 0, false // the oldest Voice channel, not this number's
	}
	return *cfg.QueueID, true
}
