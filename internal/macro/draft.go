// Package macro applies macros. On a conversation (E2, apply.go) it
// decides every rule — closed conversations, senders (E4), the reply
// draft, queue isolation, membership, forms, surveys — over the narrow
// Store it declares, which writes the outcome in one transaction. On
// new-conversation drafts (E3), which live in the agent's composer until
// the conversation is started, nothing is stored: each call takes the
// draft and returns it changed, with a record of what every applied
// macro changed so it can be removed again.
package macro

import (
	"context"
	"slices"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// Draft is a new conversation being composed.
type Draft struct {
	Channel    string   `json:"channel"`
	Sender     string   `json:"sender"`
	To         string   `json:"to"`
	QueueID    *desk.ID `json:"queue_id"`
	AssigneeID *desk.ID `json:"assignee_id"`
	Tags       []string `json:"tags"`
	Subject    string   `json:"subject"`
	Topic      string   `json:"topic"`
	Status     string   `json:"status"`
	Priority   string   `json:"priority"`
	Body       string   `json:"body"`
	TemplateID *desk.ID `json:"template_id"`
	// Applied lists the macros applied, oldest first, with the values
	// they replaced.
	Applied []Applied `json:"applied"`
}

// Applied records one macro applied to a draft.
type Applied struct {
	MacroID desk.ID `json:"macro_id"`
	Name    string  `json:"name"`
	// Before holds the draft as it was before the macro, to undo it.
	Before Draft `json:"before"`
	// Skipped names actions that did not run (E3): "to" when the channel
	// does not match, "template" when the WhatsApp session has expired.
	Skipped []string `json:"skipped"`
}

// Offered reports whether m may be applied to d (E3): with To empty only
// macros that set To for the From channel; with To filled, any macro.
func Offered(m *desk.Macro, d *Draft) bool {
	return d.To != "" || m.Actions.To[d.Channel] != ""
}

// Env is what applying a macro to a draft needs to know besides the
// draft: whether the channel's session with the recipient has expired,
// and the default sender of a queue for a channel (E4; "" for none; a nil
// queue is the Default queue).
type Env struct {
	SessionExpired bool
	QueueSender    func(queueID *desk.ID, channel string) string
}

// Apply runs m's actions on d (E3):
//   - To runs only for d's channel;
//   - subject and topic are one field in the composer: the subject on
//     email (the topic action fills the hidden topic), the topic on other
//     channels (the subject action fills it when the macro sets no topic);
//   - the body fills the message;
//   - the sender follows E4: a queue with a default sender for the
//     channel sends from it (a queue action switches the draft to it) and
//     a sender action naming another one is skipped ("sender");
//   - the template action is skipped when the session has expired (only
//     a registered template may be sent then, which the agent picks).
func Apply(m *desk.Macro, d *Draft, env Env) (*Draft, error) {
	if !Offered(m, d) {
		return nil, desk.CodedErrorf(desk.EINVALID, "macro_not_offered", "with To empty, only macros that set To for %s apply", d.Channel)
	}
	for _, a := range d.Applied {
		if a.MacroID == m.ID {
			return nil, desk.CodedErrorf(desk.ECONFLICT, "macro_already_applied", "the macro %s is already applied", m.Name)
		}
	}
	before := *d
	before.Applied = nil
	out := *d
	out.Applied = slices.Clone(d.Applied)
	a := m.Actions
	rec := Applied{MacroID: m.ID, Name: m.Name, Before: before, Skipped: []string{}}
	if to, ok := a.To[d.Channel]; ok {
		out.To = to
	} else if len(a.To) > 0 {
		rec.Skipped = append(rec.Skipped, "to")
	}
	topic := a.Topic
	if d.Channel == desk.ChannelEmail && a.Subject != nil {
		out.Subject = *a.Subject
	} else if topic == nil {
		topic = a.Subject
	}
	for dst, v := range map[*string]*string{&out.Topic: topic, &out.Status: a.Status, &out.Priority: a.Priority, &out.Body: a.Body} {
		if v != nil {
			*dst = *v
		}
	}
	if a.QueueID != nil {
		out.QueueID = a.QueueID
	}
	if a.AssigneeID != nil {
		out.AssigneeID = a.AssigneeID
	}
	queueSender := ""
	if env.QueueSender != nil && (a.QueueID != nil || a.Sender != nil) {
		queueSender = env.QueueSender(out.QueueID, d.Channel)
	}
	if a.QueueID != nil && queueSender != "" {
		out.Sender = queueSender
	}
	if a.Sender != nil {
		// Keyed as the channel reads numbers, like the queue's sender.
		sender := phone.Sender(d.Channel, *a.Sender, phone.ForChannel(d.Channel, "", ""))
		if queueSender != "" && sender != queueSender {
			rec.Skipped = append(rec.Skipped, "sender")
		} else {
			out.Sender = sender
		}
	}
	if len(a.Tags) > 0 {
		tags, err := desk.NormalizeTags(append(slices.Clone(d.Tags), a.Tags...))
		if err != nil {
			return nil, err
		}
		out.Tags = tags
	}
	if a.TemplateID != nil {
		if env.SessionExpired {
			rec.Skipped = append(rec.Skipped, "template")
		} else {
			out.TemplateID = a.TemplateID
		}
	}
	out.Applied = append(out.Applied, rec)
	return &out, nil
}

// Remove undoes an applied macro: the draft returns to what it was before
// it, with the macros applied after it applied again on top.
func Remove(macroID desk.ID, d *Draft, macros map[desk.ID]*desk.Macro, env Env) (*Draft, error) {
	i := slices.IndexFunc(d.Applied, func(a Applied) bool { return a.MacroID == macroID })
	if i < 0 {
		return nil, desk.Errorf(desk.ENOTFOUND, "the macro is not applied to this draft")
	}
	out := d.Applied[i].Before
	out.Applied = slices.Clone(d.Applied[:i])
	for _, later := range d.Applied[i+1:] {
		m := macros[later.MacroID]
		if m == nil {
			continue // deleted since: its changes go with it
		}
		next, err := Apply(m, &out, env)
		if err != nil {
			continue // no longer offered once To is gone
		}
		out = *next
	}
	return &out, nil
}

// Service applies stored macros to drafts.
type Service struct {
	Store desk.Store
	Clock desk.Clock
}

// ApplyToDraft loads the macro and applies it to d.
func (s *Service) ApplyToDraft(ctx context.Context, macroID desk.ID, d *Draft) (*Draft, error) {
	m, err := s.Store.FindMacroByID(ctx, macroID)
	if err != nil {
		return nil, err
	}
	return Apply(m, d, s.env(ctx, d))
}

// RemoveFromDraft undoes a macro applied to d.
func (s *Service) RemoveFromDraft(ctx context.Context, macroID desk.ID, d *Draft) (*Draft, error) {
	macros := map[desk.ID]*desk.Macro{}
	for _, a := range d.Applied {
		if m, err := s.Store.FindMacroByID(ctx, a.MacroID); err == nil {
			macros[m.ID] = m
		}
	}
	return Remove(macroID, d, macros, s.env(ctx, d))
}

// env looks up what Apply needs for d.
func (s *Service) env(ctx context.Context, d *Draft) Env {
	return Env{SessionExpired: s.sessionExpired(ctx, d), QueueSender: func(id *desk.ID, channel string) string {
		q, err := s.queue(ctx, id)
		if err != nil {
			return ""
		}
		return q.DefaultSenders[channel]
	}}
}

// queue finds a queue by ID, or the Default queue for nil.
func (s *Service) queue(ctx context.Context, id *desk.ID) (*desk.Queue, error) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	if id != nil {
		return s.Store.FindQueueByID(sys, *id)
	}
	qs, _, err := s.Store.FindQueues(sys, desk.QueueFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.IsDefault {
			return q, nil
		}
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "no Default queue")
}

// sessionExpired tells whether the channel's customer-care window (D6)
// is closed for the draft's recipient: no message from that contact on the
// channel within it.
func (s *Service) sessionExpired(ctx context.Context, d *Draft) bool {
	caps := desk.CapabilitiesOf(d.Channel)
	if caps.SessionWindowHours == 0 {
		return false
	}
	if d.To == "" {
		return true
	}
	last, err := s.Store.LastInboundAt(ctx, d.Channel, d.To)
	if err != nil {
		return true
	}
	now := time.Now()
	if s.Clock != nil {
		now = s.Clock.Now()
	}
	return !desk.SessionOpen(caps, last, now)
}
