package outbound

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Adapters builds the adapter of a configured channel.
type Adapters interface {
	Adapter(cfg *desk.ChannelConfig) (desk.Channel, error)
}

// Store is what the reply use case needs of the store: the domain's
// store and the contacts' opt-outs. Both SQL stores are all of it.
type Store interface {
	desk.Store
	OptOuts
}

// Service turns an agent's reply into a stored message and, when the
// conversation's channel is configured, a send job in the same transaction.
type Service struct {
	Store    Store
	Channels desk.ChannelService // nil: no channel is configured anywhere
	Adapters Adapters
	Clock    desk.Clock
	// Notify wakes the send workers after a commit; optional.
	Notify func()

	// senders caches channel lookups by kind and sender, so a burst of
	// replies does not read the channel table each time: for replies while
	// the configuration version they read stays the same, for first
	// messages a few seconds.
	senders senderCache
	// channels keeps the channel list by configuration version (replies).
	channels channelList
}

// ReplyRequest is an agent's reply or internal note.
type ReplyRequest struct {
	ConversationID desk.ID
	Note           bool
	// Channel, To and From pick another of the customer's contacts and our
	// sender (C7, E4); empty keeps the conversation's.
	Channel string
	To      string
	From    string
	// Subject, CC and BCC are email's (H1); the subject defaults to
	// "Re: " and the conversation's subject.
	Subject     string
	CC          []string
	BCC         []string
	Type        string
	Text        string
	Template    *desk.TemplateCall
	Location    *desk.Location
	Attachments []desk.Attachment
}

// Reply is the stored message and what the rules found (SMS segments).
type Reply struct {
	*desk.Message
	Verdict
}

// Reply checks the channel's rules (nothing is stored when they refuse),
// then stores the message and its send job together.
func (s *Service) Reply(ctx context.Context, req ReplyRequest) (*Reply, error) {
	rep, err := s.build(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := s.Store.CreateMessage(ctx, rep.Message); err != nil {
		return nil, err
	}
	if rep.Send != nil && s.Notify != nil {
		s.Notify()
	}
	return rep, nil
}

// build turns req into the message to store, checked against the route
// (C7, E4) and the channel's rules; it stores nothing.
func (s *Service) build(ctx context.Context, req ReplyRequest) (*Reply, error) {
	if req.Note {
		m := &desk.Message{ConversationID: req.ConversationID, Kind: desk.KindNote, Type: desk.TypeText, Text: req.Text, Attachments: req.Attachments}
		return &Reply{Message: m}, nil
	}
	rc, err := s.Store.FindReplyContext(ctx, req.ConversationID)
	if err != nil {
		return nil, err
	}
	c := rc.Conversation
	if c.Channel == desk.ChannelInternal {
		// Internal conversations (C9) are never sent on a channel.
		if req.Type != "" && req.Type != desk.TypeText {
			return nil, desk.FieldErrorf("type", "internal conversations carry text")
		}
		return &Reply{Message: &desk.Message{ConversationID: c.ID, Type: desk.TypeText, Text: req.Text}}, nil
	}
	rt, err := s.routeOf(ctx, rc, req)
	if err != nil {
		return nil, err
	}
	cfg, caps, err := s.channelAt(ctx, rt, rc.ConfigVersion)
	if err != nil {
		return nil, err
	}
	uploaded := false
	for i := range req.Attachments {
		a := &req.Attachments[i]
		if a.BlobKey == "" {
			// Only files uploaded with this reply are Switchboard's to
			// send: an ID typed into a JSON reply names nothing.
			a.ID, a.Refused, a.Content = 0, "", nil
		} else {
			uploaded = true
		}
	}
	out := &desk.OutboundMessage{Channel: rt.Channel, Type: req.Type, Text: req.Text, Template: req.Template, Location: req.Location, Attachments: req.Attachments}
	last, err := s.replyWindow(ctx, rc, caps, rt)
	if err != nil {
		return nil, err
	}
	if err := s.replyOptOut(ctx, rc, rt); err != nil {
		return nil, err
	}
	v, err := Check(rt.Channel, caps, out, last, s.now())
	if err != nil {
		return nil, err
	}
	shown := displayText(req)
	if req.Type == desk.TypeTemplate {
		if shown, err = s.registeredTemplate(ctx, req.Template); err != nil {
			return nil, err
		}
	}
	m := &desk.Message{ConversationID: c.ID, Type: req.Type, Text: shown, Channel: rt.Channel, From: rt.From, To: rt.To, Conversation: c}
	if uploaded {
		// The message and its send job share the slice: storing the files
		// gives them the IDs the send job then carries (see attach.Outbound).
		m.Attachments = req.Attachments
	}
	if cfg != nil {
		m.Send = &desk.SendRequest{ChannelID: cfg.ID, Template: req.Template, Location: req.Location, Attachments: req.Attachments}
		if rt.Channel == desk.ChannelEmail {
			if err := emailParts(m.Send, c, req); err != nil {
				return nil, err
			}
		}
	}
	return &Reply{Message: m, Verdict: v}, nil
}

// channelOf finds the configured channel a conversation replies through
// and its capabilities; without one, the kind's table entry applies and
// nothing is sent (the API channel's integrations read the thread).
func (s *Service) channelOf(ctx context.Context, c route) (*desk.ChannelConfig, desk.Capabilities, error) {
	return s.channelAt(ctx, c, 0)
}

// channelAt is channelOf for a reply that saw the configuration at
// version (0: unknown, the lookup is kept senderCacheTTL).
func (s *Service) channelAt(ctx context.Context, c route, version int64) (*desk.ChannelConfig, desk.Capabilities, error) {
	caps := desk.CapabilitiesOf(c.Channel)
	if s.Channels == nil || s.Adapters == nil {
		return nil, caps, nil
	}
	e, err := s.senders.get(c.Channel, c.From, version, func() (*desk.ChannelConfig, desk.Channel, error) {
		sys := desk.NewContextWithActor(ctx, desk.SystemActor)
		cfg, err := s.Channels.FindChannelBySender(sys, c.Channel, c.From)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil, nil, nil
		} else if err != nil {
			return nil, nil, err
		}
		ch, err := s.Adapters.Adapter(cfg)
		return cfg, ch, err
	})
	if err != nil || e.cfg == nil {
		return nil, caps, err
	}
	return e.cfg, e.ch.Capabilities(), nil
}

// emailParts fills an email reply's subject and copies: the subject
// defaults to "Re: " and the conversation's subject (the thread's, as the
// first email or the agent who started it gave it; the topic for older
// conversations without one); addresses are checked and normalized.
func emailParts(send *desk.SendRequest, c *desk.Conversation, req ReplyRequest) error {
	base := c.Subject
	if base == "" {
		base = c.Topic
	}
	return emailFields(send, replySubject(base), req)
}

// replySubject is "Re: " and subject, without doubling a reply prefix.
func replySubject(subject string) string {
	subject = strings.TrimSpace(subject)
	if subject == "" || len(subject) >= 3 && strings.EqualFold(subject[:3], "re:") {
		return subject
	}
	return "Re: " + subject
}

// emailFields checks and sets an email's subject (def when the request
// gives none), CC and BCC.
func emailFields(send *desk.SendRequest, def string, req ReplyRequest) error {
	send.Subject = strings.TrimSpace(req.Subject)
	if send.Subject == "" {
		send.Subject = def
	}
	if len(send.Subject) > 998 || strings.ContainsAny(send.Subject, "\r\n") {
		return desk.FieldErrorf("subject", "a subject is one line of at most 998 characters")
	}
	for _, l := range []struct {
		field string
		in    []string
		out   *[]string
	}{{"cc", req.CC, &send.CC}, {"bcc", req.BCC, &send.BCC}} {
		if len(l.in) > 50 {
			return desk.FieldErrorf(l.field, "at most 50 addresses")
		}
		for _, a := range l.in {
			norm, err := desk.NormalizeAddress(desk.ChannelEmail, a)
			if err != nil {
				return desk.FieldErrorf(l.field, "%s", desk.ErrorMessage(err))
			}
			*l.out = append(*l.out, norm)
		}
	}
	return nil
}

// displayText is what the thread shows for messages that carry no text.
func displayText(req ReplyRequest) string {
	if req.Text != "" {
		return req.Text
	}
	switch {
	case req.Template != nil:
		return "[template " + req.Template.Name + ": " + strings.Join(req.Template.Variables, ", ") + "]"
	case req.Location != nil:
		if req.Location.Name != "" {
			return "[location " + req.Location.Name + "]"
		}
		return "[location]"
	case len(req.Attachments) > 0:
		return "[" + req.Attachments[0].Name + "]"
	}
	return ""
}

// windowOf returns when the contact last wrote on a channel with a
// customer-care window (D6: per contact on that channel, not the
// conversation's last customer message on any channel); nil otherwise.
func (s *Service) windowOf(ctx context.Context, caps desk.Capabilities, channel, to string) (*time.Time, error) {
	if caps.SessionWindowHours == 0 || to == "" {
		return nil, nil
	}
	return s.Store.LastInboundAt(desk.NewContextWithActor(ctx, desk.SystemActor), channel, to)
}

// replyWindow is windowOf for a reply: on the conversation's own channel
// and contact, the window its context read.
func (s *Service) replyWindow(ctx context.Context, rc *desk.ReplyContext, caps desk.Capabilities, rt route) (*time.Time, error) {
	if caps.SessionWindowHours == 0 || rt.To == "" {
		return nil, nil
	}
	if ownContact(rc, rt) {
		return rc.LastInboundAt, nil
	}
	return s.windowOf(ctx, caps, rt.Channel, rt.To)
}

// replyOptOut is CheckOptOut for a reply: on the conversation's own
// channel and contact, the opt-out its context read.
func (s *Service) replyOptOut(ctx context.Context, rc *desk.ReplyContext, rt route) error {
	if rt.To == "" {
		return nil
	}
	if ownContact(rc, rt) {
		if rc.OptOut == nil {
			return nil
		}
		return optedOut(rt.Channel, rc.OptOut)
	}
	return s.CheckOptOut(ctx, rt.Channel, rt.To)
}

// ownContact reports whether the reply goes to the conversation's own
// contact on its own channel, whose window and opt-out rc holds.
func ownContact(rc *desk.ReplyContext, rt route) bool {
	return rc.Contact && rt.Channel == rc.Conversation.Channel && rt.To == rc.Conversation.ContactAddress
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return desk.SystemClock{}.Now()
	}
	return s.Clock.Now()
}
