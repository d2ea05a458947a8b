package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CreateInternalConversation starts a conversation between agents (C9);
// see desk.InternalConversationService. Any queue may be asked (that is
// the purpose: help from another queue); the opener keeps seeing it, and
// the linked conversation stays as visible as it was (a link, not a
// grant).
func (s *Conversations) CreateInternalConversation(ctx context.Context, n *desk.NewInternalConversation) (*desk.Conversation, *desk.Message, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	if n.LinkedConversationID != nil {
		if _, err := s.findConversation(ctx, s.rd, actor, *n.LinkedConversationID); desk.ErrorKind(err) == desk.ENOTFOUND {
			return nil, nil, desk.FieldErrorf("linked_conversation_id", "unknown conversation")
		} else if err != nil {
			return nil, nil, err
		}
	}
	c := &desk.Conversation{Channel: desk.ChannelInternal, Topic: n.Topic, QueueID: n.QueueID, AssigneeID: n.AssigneeID}
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	now := s.now()
	// Never queued: the internal channel has no sender and no outbox job.
	m := &desk.Message{Kind: desk.KindMessage, Direction: desk.DirectionOut, Type: desk.TypeText, Text: n.Text,
		Channel: desk.ChannelInternal, CreatedAt: now}
	if !actor.System {
		id := actor.AgentID
		m.AuthorID = &id
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if c.AssigneeID != nil {
			// Assigned at once: to an agent of the queue it is opened to.
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM queue_members WHERE queue_id = $1 AND agent_id = $2`, int64(c.QueueID), int64(*c.AssigneeID)).Scan(&one)
			if isNoRows(err) {
				return desk.FieldErrorf("assignee_id", "the agent is not a member of the queue")
			} else if err != nil {
				return err
			}
		}
		extra := map[string]any{}
		if n.LinkedConversationID != nil {
			extra["linked_conversation_id"] = n.LinkedConversationID.String()
		}
		if err := s.createConversationTx(ctx, tx, actor, c, extra); err != nil {
			return err
		}
		var opener any
		if !actor.System {
			opener = int64(actor.AgentID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET linked_id = $1, opened_by = $2 WHERE id = $3`,
			idArg(n.LinkedConversationID), opener, int64(c.ID)); err != nil {
			return err
		}
		m.ConversationID = c.ID
		return s.insertAgentMessageTx(ctx, tx, m, now)
	})
	if err != nil {
		return nil, nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, c.ID)
	if err != nil {
		return nil, nil, err
	}
	msg := s.conversationChange(desk.ChangeMessageCreated, fresh)
	msg.MessageID = m.ID
	s.publish(s.conversationChange(desk.ChangeConversationCreated, fresh), msg)
	return fresh, m, nil
}
