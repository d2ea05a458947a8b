package macro

import (
	"context"
	"slices"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/survey"
)

// Store is what applying a macro to a conversation (E2) reads and writes:
// the facts the rules are decided on, then one write of the outcome.
type Store interface {
	// FindConversationByID returns ENOTFOUND if missing or not visible
	// to the context's actor.
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	FindMacroByID(ctx context.Context, id desk.ID) (*desk.Macro, error)
	FindQueueByID(ctx context.Context, id desk.ID) (*desk.Queue, error)
	FindFormByID(ctx context.Context, id desk.ID) (*desk.Form, error)
	// FindDraft returns the caller's reply draft (ENOTFOUND for none).
	FindDraft(ctx context.Context, convID desk.ID) (*desk.Draft, error)
	// ChannelSenders lists the senders of the configured channels of a
	// kind.
	ChannelSenders(ctx context.Context, kind string) ([]string, error)
	// AgentQueueAccess returns an agent's role and whether it is a
	// member of the queue; ENOTFOUND for an unknown agent.
	AgentQueueAccess(ctx context.Context, agentID, queueID desk.ID) (desk.Role, bool, error)
	// WriteMacro writes the outcome in one transaction and returns the
	// conversation as stored.
	WriteMacro(ctx context.Context, w *desk.MacroWrite) (*desk.Conversation, error)
}

// Applier applies macros to conversations (E2).
type Applier struct {
	Store Store
	Clock desk.Clock
}

// Apply runs a macro's actions on a visible, not closed conversation: the
// conversation's fields, its sender (E4: the queue's default sender only,
// when the queue has one for the channel: EFORBIDDEN sender_not_allowed;
// else a configured sender of the channel: EINVALID unknown_sender), and
// the body (and an email's subject) into the caller's reply draft; every
// action in one transaction with one macro_applied event. With preview
// set it computes the same result and writes nothing. ECONFLICT
// conversation_closed for a closed conversation.
func (a *Applier) Apply(ctx context.Context, convID, macroID desk.ID, preview bool) (*desk.MacroResult, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.Store.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, err
	}
	m, err := a.Store.FindMacroByID(ctx, macroID)
	if err != nil {
		return nil, err
	}
	if c.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	if m.Actions.Sender != nil {
		// The sender is a number on phone channels: keyed as the
		// conversation's channel reads it, like the queue's and the
		// channels' senders it is checked against (issue 16).
		k := phone.Sender(c.Channel, *m.Actions.Sender, phone.ForChannel(c.Channel, "", ""))
		m.Actions.Sender = &k
	}
	after, changes, composer := m.Plan(c)
	if err := a.checkSender(ctx, c, after, m); err != nil {
		return nil, err
	}
	draft, draftChanges, err := a.planDraft(ctx, actor, c, m)
	if err != nil {
		return nil, err
	}
	res := &desk.MacroResult{Conversation: after, Changes: append(changes, draftChanges...), Draft: draft, Composer: composer, Macro: m}
	if res.Changes == nil {
		res.Changes = []desk.MacroChange{}
	}
	if preview {
		return res, nil
	}
	survey, err := a.settle(ctx, c, after, m)
	if err != nil {
		return nil, err
	}
	res.Conversation, err = a.Store.WriteMacro(ctx, &desk.MacroWrite{Before: c, After: after, Macro: m, Changes: res.Changes, Draft: draft, Survey: survey})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// settle decides what a preview leaves out, in this order: the queue the
// macro moves to must exist; queue isolation (moved to a queue its
// holder cannot see, the conversation goes back to that queue
// unassigned, as a transfer to a queue does); a new assignee must be a
// member of the queue; the form's values are merged and validated, and
// solving or closing needs them complete (C10). It reports whether the
// CSAT survey is due (C12).
func (a *Applier) settle(ctx context.Context, c, after *desk.Conversation, m *desk.Macro) (bool, error) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	var q *desk.Queue
	if after.QueueID != c.QueueID {
		var err error
		if q, err = a.Store.FindQueueByID(sys, after.QueueID); desk.ErrorKind(err) == desk.ENOTFOUND {
			return false, desk.FieldErrorf("actions.queue_id", "the macro's queue no longer exists")
		} else if err != nil {
			return false, err
		}
	}
	if after.AssigneeID != nil && c.AssigneeID != nil && *after.AssigneeID == *c.AssigneeID && after.QueueID != c.QueueID {
		role, member, err := a.Store.AgentQueueAccess(sys, *after.AssigneeID, after.QueueID)
		if desk.ErrorKind(err) == desk.ENOTFOUND || (err == nil && !member && !role.AtLeast(desk.RoleSupervisor)) {
			after.AssigneeID = nil
		} else if err != nil {
			return false, err
		}
	}
	if after.AssigneeID != nil && (c.AssigneeID == nil || *after.AssigneeID != *c.AssigneeID) {
		_, member, err := a.Store.AgentQueueAccess(sys, *after.AssigneeID, after.QueueID)
		if desk.ErrorKind(err) == desk.ENOTFOUND || (err == nil && !member) {
			return false, desk.FieldErrorf("actions.assignee_id", "the macro's assignee is not a member of the conversation's queue")
		} else if err != nil {
			return false, err
		}
	}
	form, err := desk.ApplyForm(after, m.Actions.FormID, m.Actions.FormValues, func(id desk.ID) (*desk.Form, error) {
		return a.Store.FindFormByID(sys, id)
	})
	if err != nil {
		return false, err
	}
	if err := desk.CheckFormComplete(form, after, c.Status); err != nil {
		return false, err
	}
	if !survey.Due(after, c.Status) {
		return false, nil
	}
	if q == nil {
		if q, err = a.Store.FindQueueByID(sys, after.QueueID); err != nil {
			return false, err
		}
	}
	return q.SurveyEnabled, nil
}

// checkSender checks a macro's sender action against E4 before it
// changes the conversation's sender: when the conversation's queue
// (after the macro) has a default sender for the channel, only that one
// (EFORBIDDEN sender_not_allowed, as for replies); otherwise, when the
// channel kind has configured channels, one of their senders (EINVALID
// unknown_sender). Internal conversations have no sender.
func (a *Applier) checkSender(ctx context.Context, c, after *desk.Conversation, m *desk.Macro) error {
	if m.Actions.Sender == nil {
		return nil
	}
	sender := after.SenderAddress
	if c.Channel == desk.ChannelInternal || sender == "" {
		return desk.FieldErrorf("actions.sender", "this conversation takes no sender")
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	q, err := a.Store.FindQueueByID(sys, after.QueueID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return desk.FieldErrorf("actions.queue_id", "the macro's queue no longer exists")
	} else if err != nil {
		return err
	}
	if def := q.DefaultSenders[c.Channel]; def != "" {
		if def != sender {
			return &desk.Error{Kind: desk.EFORBIDDEN, Code: "sender_not_allowed", Field: "actions.sender",
				Message: "conversations in queue " + q.Name + " go out from its sender " + def + " only",
				Detail:  map[string]any{"allowed": []string{def}}}
		}
		return nil
	}
	senders, err := a.Store.ChannelSenders(sys, c.Channel)
	if err != nil {
		return err
	}
	if len(senders) > 0 && !slices.Contains(senders, sender) {
		return &desk.Error{Kind: desk.EINVALID, Code: "unknown_sender", Field: "actions.sender",
			Message: "no " + c.Channel + " channel sends from " + sender}
	}
	return nil
}

// planDraft works out the caller's reply draft after the macro's body
// action (and, on email, its subject action, which the reply then
// carries): the draft and the changes to it, or nil when the macro has
// neither or the caller is the system.
func (a *Applier) planDraft(ctx context.Context, actor *desk.Actor, c *desk.Conversation, m *desk.Macro) (*desk.Draft, []desk.MacroChange, error) {
	act := m.Actions
	subject := act.Subject != nil && c.Channel == desk.ChannelEmail
	if actor.System || (act.Body == nil && !subject) {
		return nil, nil, nil
	}
	d, err := a.Store.FindDraft(ctx, c.ID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		d, err = &desk.Draft{ConversationID: c.ID, AgentID: actor.AgentID}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var changes []desk.MacroChange
	if act.Body != nil && *act.Body != d.Text {
		changes = append(changes, desk.MacroChange{Field: "draft.text", From: d.Text, To: *act.Body})
		d.Text = *act.Body
	}
	if subject && *act.Subject != d.Subject {
		changes = append(changes, desk.MacroChange{Field: "draft.subject", From: d.Subject, To: *act.Subject})
		d.Subject = *act.Subject
	}
	if err := d.Validate(); err != nil {
		return nil, nil, desk.FieldErrorf("actions.body", "%s", desk.ErrorMessage(err))
	}
	d.UpdatedAt = a.now()
	return d, changes, nil
}

func (a *Applier) now() time.Time {
	if a.Clock == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return a.Clock.Now().UTC().Truncate(time.Microsecond)
}
