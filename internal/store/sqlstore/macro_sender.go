package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// checkMacroSender checks a macro's sender action against E4 before it
// changes the conversation's sender: when the conversation's queue (after
// the macro) has a default sender for the channel, only that one
// (EFORBIDDEN sender_not_allowed, as for replies); otherwise, when the
// channel kind has configured channels, one of their senders (EINVALID
// unknown_sender). Internal conversations have no sender.
func (s *Store) checkMacroSender(ctx context.Context, c, after *desk.Conversation, m *desk.Macro) error {
	if m.Actions.Sender == nil {
		return nil
	}
	sender := after.SenderAddress
	if c.Channel == desk.ChannelInternal || sender == "" {
		return desk.FieldErrorf("actions.sender", "this conversation takes no sender")
	}
	q, err := s.FindQueueByID(desk.NewContextWithActor(ctx, desk.SystemActor), after.QueueID)
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
	var total, matching int
	if err := s.rd.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN sender = $2 THEN 1 ELSE 0 END), 0) FROM channels WHERE kind = $1`,
		c.Channel, sender).Scan(&total, &matching); err != nil {
		return err
	}
	if total > 0 && matching == 0 {
		return &desk.Error{Kind: desk.EINVALID, Code: "unknown_sender", Field: "actions.sender",
			Message: "no " + c.Channel + " channel sends from " + sender}
	}
	return nil
}

// planMacroDraft works out the caller's reply draft after the macro's body
// action (and, on email, its subject action, which the reply then
// carries): the draft and the changes to it, or nil when the macro has
// neither or the caller is the system.
func (s *Store) planMacroDraft(ctx context.Context, actor *desk.Actor, c *desk.Conversation, m *desk.Macro) (*desk.Draft, []desk.MacroChange, error) {
	a := m.Actions
	subject := a.Subject != nil && c.Channel == desk.ChannelEmail
	if actor.System || (a.Body == nil && !subject) {
		return nil, nil, nil
	}
	d, err := s.FindDraft(ctx, c.ID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		d, err = &desk.Draft{ConversationID: c.ID, AgentID: actor.AgentID}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var changes []desk.MacroChange
	if a.Body != nil && *a.Body != d.Text {
		changes = append(changes, desk.MacroChange{Field: "draft.text", From: d.Text, To: *a.Body})
		d.Text = *a.Body
	}
	if subject && *a.Subject != d.Subject {
		changes = append(changes, desk.MacroChange{Field: "draft.subject", From: d.Subject, To: *a.Subject})
		d.Subject = *a.Subject
	}
	if err := d.Validate(); err != nil {
		return nil, nil, desk.FieldErrorf("actions.body", "%s", desk.ErrorMessage(err))
	}
	d.UpdatedAt = s.now()
	return d, changes, nil
}
