package outbound

import (
	"context"
	"slices"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SenderOption is one address an agent may send from (E4).
type SenderOption struct {
	Channel     string  `json:"channel"`
	Address     string  `json:"address"`
	ChannelID   desk.ID `json:"channel_id,omitempty"`
	ChannelName string  `json:"channel_name,omitempty"`
	// QueueID and QueueName say which queue has the address as its
	// default sender for the channel (the guide's "in which queue the
	// sender is set as default"); empty for a configured sender offered
	// because the queue has none.
	QueueID   desk.ID `json:"queue_id,omitempty"`
	QueueName string  `json:"queue_name,omitempty"`
}

// SenderChoice is the From picker of a reply or a new conversation (E4):
// the addresses offered, the one preselected ("" leaves From empty) and,
// for a reply the caller may not send, the warning to show instead.
type SenderChoice struct {
	Channel  string         `json:"channel"`
	Items    []SenderOption `json:"items"`
	Selected string         `json:"selected"`
	Warning  string         `json:"warning,omitempty"`
	// SessionExpired is set on a channel with a customer-care window (D6)
	// when the recipient's own window is closed: only a registered
	// template may go; SessionEndsAt is when an open one closes.
	SessionExpired bool       `json:"session_expired"`
	SessionEndsAt  *time.Time `json:"session_ends_at,omitempty"`
}

// session fills the window of recipient to on the choice's channel.
func (s *Service) session(ctx context.Context, out *SenderChoice, to string) error {
	caps := desk.CapabilitiesOf(out.Channel)
	if caps.SessionWindowHours == 0 {
		return nil
	}
	last, err := s.windowOf(ctx, caps, out.Channel, to)
	if err != nil {
		return err
	}
	out.SessionExpired, out.SessionEndsAt = !desk.SessionOpen(caps, last, s.now()), desk.SessionEnds(caps, last)
	return nil
}

// Codes of the sender rules (E4).
const (
	// CodeSenderNotAllowed: the queue has a default sender for the
	// channel and another one was named; Detail "allowed" lists it.
	CodeSenderNotAllowed = "sender_not_allowed"
	// CodeUnknownSender: no configured channel of the kind sends from the
	// named address; Detail "allowed" lists those that do.
	CodeUnknownSender = "unknown_sender"
	// CodeSenderRequired: the queue has no (available) default sender for
	// the channel, so From must be chosen; Detail "allowed" lists them.
	CodeSenderRequired = "sender_required"
	// CodeNotInQueue: an agent replying in a conversation of a queue they
	// do not belong to (E4: "they cannot reply ... and will receive a
	// warning message").
	CodeNotInQueue = "not_in_queue"
)

// configured lists the channels of a kind with their sender addresses;
// nil when no channel service is wired (nothing is ever sent then).
func (s *Service) configured(ctx context.Context, kind string) ([]SenderOption, error) {
	return s.configuredAt(ctx, kind, 0)
}

// configuredAt is configured for a reply that saw the configuration at
// version (desk.ReplyContext): the channel list last read at that version
// is reused; 0 reads it.
func (s *Service) configuredAt(ctx context.Context, kind string, version int64) ([]SenderOption, error) {
	if s.Channels == nil {
		return nil, nil
	}
	all, err := s.channels.get(version, func() ([]*desk.ChannelConfig, error) {
		return s.Channels.FindChannels(desk.NewContextWithActor(ctx, desk.SystemActor))
	})
	if err != nil {
		return nil, err
	}
	var out []SenderOption
	for _, c := range all {
		if c.Kind == kind && c.Sender != "" {
			out = append(out, SenderOption{Channel: kind, Address: c.Sender, ChannelID: c.ID, ChannelName: c.Name})
		}
	}
	return out, nil
}

// defaultOf returns the queue's default sender for the channel when a
// configured channel owns it; a default whose channel is gone counts as
// none (the guide: "if the default sender in the queue is not available,
// the From option will stay empty").
func defaultOf(q *desk.Queue, kind string, configured []SenderOption) (SenderOption, bool) {
	addr := q.DefaultSenders[kind]
	if addr == "" {
		return SenderOption{}, false
	}
	for _, c := range configured {
		if c.Address == addr {
			c.QueueID, c.QueueName = q.ID, q.Name
			return c, true
		}
	}
	return SenderOption{}, false
}

// notMemberOf is notMember for a reply, from the membership its context
// read with the conversation.
func notMemberOf(ctx context.Context, rc *desk.ReplyContext) (bool, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return false, err
	}
	if actor.SeesAllQueues() || rc.Queue.IsDefault {
		return false, nil
	}
	return !rc.InQueue, nil
}

func addresses(opts []SenderOption) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Address
	}
	return out
}

// checkNamed refuses a named sender no configured channel of the kind
// owns; with no channel of the kind configured anything goes (nothing is
// sent: the API channel's integrations read the thread).
func checkNamed(field, kind, addr string, configured []SenderOption) error {
	if addr == "" || len(configured) == 0 || slices.Contains(addresses(configured), addr) {
		return nil
	}
	return &desk.Error{Kind: desk.EINVALID, Code: CodeUnknownSender, Field: field,
		Message: "no " + kind + " channel sends from " + addr, Detail: map[string]any{"allowed": addresses(configured)}}
}

// notMember reports whether the actor is an agent outside the queue:
// supervisors and admins work every queue.
func notMember(ctx context.Context, store desk.Store, q *desk.Queue) (bool, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return false, err
	}
	if actor.SeesAllQueues() || q.IsDefault {
		return false, nil
	}
	a, err := store.FindAgentByID(desk.NewContextWithActor(ctx, desk.SystemActor), actor.AgentID)
	if err != nil {
		return false, err
	}
	return !slices.Contains(a.QueueIDs, q.ID), nil
}

// ReplySenders is the From picker of a reply on channel to contact to
// (the conversation's own when empty): the queue's default sender when it
// has one a channel owns, else every configured sender of the channel with
// From left empty; an agent outside the conversation's queue gets a
// warning and nothing to choose (E4). It also says whether the contact's
// customer-care window is closed (D6).
func (s *Service) ReplySenders(ctx context.Context, convID desk.ID, channel, to string) (*SenderChoice, error) {
	c, err := s.Store.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, err
	}
	if channel == "" {
		channel = c.Channel
	}
	if to == "" && channel == c.Channel {
		to = c.ContactAddress
	} else if to == "" {
		// The customer's first contact on the channel, as a reply takes.
		to, _ = s.contactOf(desk.NewContextWithActor(ctx, desk.SystemActor), c, channel, "")
	}
	if !desk.ValidChannel(channel) || channel == desk.ChannelInternal {
		return nil, desk.FieldErrorf("channel", "unknown channel %q", channel)
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	q, err := s.Store.FindQueueByID(sys, c.QueueID)
	if err != nil {
		return nil, err
	}
	out := &SenderChoice{Channel: channel, Items: []SenderOption{}}
	if err := s.session(ctx, out, to); err != nil {
		return nil, err
	}
	if no, err := notMember(ctx, s.Store, q); err != nil {
		return nil, err
	} else if no {
		out.Warning = notInQueueMessage(q)
		return out, nil
	}
	conf, err := s.configured(ctx, channel)
	if err != nil {
		return nil, err
	}
	if def, ok := defaultOf(q, channel, conf); ok {
		out.Items, out.Selected = []SenderOption{def}, def.Address
		return out, nil
	}
	out.Items = append(out.Items, conf...)
	return out, nil
}

func notInQueueMessage(q *desk.Queue) string {
	return "this conversation is in queue " + q.Name + ", which you do not belong to: you cannot reply from its senders"
}

// NewSenders is the From picker of a new conversation on channel (to a
// contact address, whose customer-care window it reports, D6): the
// default senders of the caller's queues (each naming its queue), or of
// queueID alone when given; a queue without an available default offers
// every configured sender with From left empty. Selected is the default
// of the queue the conversation would land in (queueID, else the Default
// queue), if any.
func (s *Service) NewSenders(ctx context.Context, channel string, queueID desk.ID, to string) (*SenderChoice, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !desk.ValidChannel(channel) || channel == desk.ChannelInternal {
		return nil, desk.FieldErrorf("channel", "unknown channel %q", channel)
	}
	conf, err := s.configured(ctx, channel)
	if err != nil {
		return nil, err
	}
	out := &SenderChoice{Channel: channel, Items: []SenderOption{}}
	if err := s.session(ctx, out, to); err != nil {
		return nil, err
	}
	if queueID != 0 {
		q, err := s.Store.FindQueueByID(ctx, queueID)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil, desk.FieldErrorf("queue_id", "unknown queue")
		} else if err != nil {
			return nil, err
		}
		if def, ok := defaultOf(q, channel, conf); ok {
			out.Items, out.Selected = []SenderOption{def}, def.Address
		} else {
			out.Items = append(out.Items, conf...)
		}
		return out, nil
	}
	qs, err := s.queuesOf(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if def, ok := defaultOf(q, channel, conf); ok {
			out.Items = append(out.Items, def)
			if q.IsDefault {
				out.Selected = def.Address
			}
		}
	}
	if len(out.Items) == 0 {
		out.Items = append(out.Items, conf...)
	}
	return out, nil
}

// queuesOf lists the caller's queues, the Default queue first.
func (s *Service) queuesOf(ctx context.Context, actor *desk.Actor) ([]*desk.Queue, error) {
	f := desk.QueueFilter{Limit: 200}
	if !actor.System {
		f.MemberID = &actor.AgentID
	}
	qs, _, err := s.Store.FindQueues(ctx, f)
	return qs, err
}

// NewSender applies E4 to the From of a new conversation and returns the
// sender and queue to use: a sender that is the default of one of the
// caller's queues puts the conversation in that queue when none is named;
// a queue with an available default sender allows only that one (taken
// when From is empty); a queue without one needs From to be a configured
// sender of the channel.
func (s *Service) NewSender(ctx context.Context, channel, sender string, queueID desk.ID) (string, desk.ID, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return "", 0, err
	}
	conf, err := s.configured(ctx, channel)
	if err != nil {
		return "", 0, err
	}
	qs, err := s.queuesOf(ctx, actor)
	if err != nil {
		return "", 0, err
	}
	var q *desk.Queue
	switch {
	case queueID != 0:
		if q, err = s.Store.FindQueueByID(ctx, queueID); desk.ErrorKind(err) == desk.ENOTFOUND {
			return "", 0, desk.FieldErrorf("queue_id", "unknown queue")
		} else if err != nil {
			return "", 0, err
		}
	case sender != "":
		for _, mq := range qs {
			if def, ok := defaultOf(mq, channel, conf); ok && def.Address == sender {
				q = mq
				break
			}
		}
	}
	if q == nil {
		if q, err = s.Store.FindDefaultQueue(ctx); err != nil {
			return "", 0, err
		}
	}
	if def, ok := defaultOf(q, channel, conf); ok {
		if sender != "" && sender != def.Address {
			return "", 0, &desk.Error{Kind: desk.EINVALID, Code: CodeSenderNotAllowed, Field: "sender_address",
				Message: "new conversations of queue " + q.Name + " start from its default " + channel + " sender " + def.Address,
				Detail:  map[string]any{"allowed": []string{def.Address}, "queue_id": q.ID.String()}}
		}
		return def.Address, q.ID, nil
	}
	if sender == "" {
		return "", 0, &desk.Error{Kind: desk.EINVALID, Code: CodeSenderRequired, Field: "sender_address",
			Message: "the queue " + q.Name + " has no default " + channel + " sender: choose one",
			Detail:  map[string]any{"allowed": addresses(conf), "queue_id": q.ID.String()}}
	}
	if err := checkNamed("sender_address", channel, sender, conf); err != nil {
		return "", 0, err
	}
	return sender, q.ID, nil
}
