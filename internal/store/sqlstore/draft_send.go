package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SendDraft sends the caller's draft as m and, with status set, marks the
// conversation waiting, solved or closed (H2), in one transaction: the
// message, its outbox entry, the status change with its survey (when
// survey asks for it; see desk.ConversationUpdate.Survey) and
// timeline events, and the draft's removal commit together or not at all.
// A refused status (form_incomplete, ...) leaves nothing sent and the
// draft kept.
func (s *Conversations) SendDraft(ctx context.Context, m *desk.Message, status string, survey bool) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if status != "" && (status == desk.ConversationOpen || !desk.ValidConversationStatus(status)) {
		return nil, desk.FieldErrorf("status", "status must be solved, waiting or closed")
	}
	m.Kind = desk.KindMessage
	if err := m.Validate(); err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, actor, m.ConversationID)
	if err != nil {
		return nil, err
	}
	if c.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed; start a new one")
	}
	now := s.now()
	switched := m.Channel != "" && m.To != "" && (m.Channel != c.Channel || m.To != c.ContactAddress || m.From != c.SenderAddress)
	if !switched {
		m.Channel, m.From, m.To = c.Channel, c.SenderAddress, c.ContactAddress
	}
	m.Direction, m.CreatedAt, m.DeliveryState = desk.DirectionOut, now, desk.DeliveryQueued
	if c.Channel == desk.ChannelInternal {
		m.Channel, m.From, m.To, m.Send, m.DeliveryState = c.Channel, "", "", nil, ""
	}
	if !actor.System {
		id := actor.AgentID
		m.AuthorID = &id
	}
	old := *c
	if switched {
		// The survey, if the status sends one, follows the reply's channel.
		c.Channel, c.ContactAddress, c.SenderAddress = m.Channel, m.To, m.From
	}
	upd := desk.ConversationUpdate{Survey: survey}
	if status != "" {
		upd.Status = &status
		if err := planUpdate(c, upd); err != nil {
			return nil, err
		}
	}
	var job *desk.SendJob
	var surveyMsg desk.ID
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE conversation_id = $1 AND agent_id = $2`, int64(c.ID), int64(actor.AgentID))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("draft") // none, or sent meanwhile by another tab
		}
		if job, err = s.createMessageTx(ctx, tx, m, switched, micros(now), 0); err != nil {
			return err
		}
		if status != "" {
			surveyMsg, err = s.updateConversationTx(ctx, tx, actor, c, &old, upd)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if job != nil && s.dispatcher != nil {
		s.dispatcher.Notify()
	}
	if c, err = s.findConversation(ctx, s.rd, desk.SystemActor, c.ID); err != nil {
		return nil, err
	}
	msg := s.conversationChange(desk.ChangeMessageCreated, c)
	msg.MessageID, msg.Direction, msg.Kind = m.ID, m.Direction, m.Kind
	changes := []desk.Change{msg}
	if status != "" {
		changes = append(changes, s.updateChanges(c, &old, surveyMsg)...)
	}
	s.publish(changes...)
	return c, nil
}
