package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// UpdateConversation changes fields of a visible conversation and records
// status and priority changes on the timeline, in one transaction.
func (s *Conversations) UpdateConversation(ctx context.Context, id desk.ID, upd desk.ConversationUpdate) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, actor, id)
	if err != nil {
		return nil, err
	}
	old := *c
	if err := planUpdate(c, upd); err != nil {
		return nil, err
	}
	var surveyMsg desk.ID
	var assigned []desk.Change
	reopen := old.Status == desk.ConversationClosed && c.Status != desk.ConversationClosed && c.ContactAddress != ""
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if reopen {
			if err := s.reopenCheckTx(ctx, tx, c); err != nil {
				return err
			}
		}
		if surveyMsg, err = s.updateConversationTx(ctx, tx, actor, c, &old, upd); err != nil {
			return err
		}
		var k assignKicks
		if c.AssigneeID != nil && holdsCapacity(old.Status) && !holdsCapacity(c.Status) {
			k.freed(*c.AssigneeID)
		} else if c.AssigneeID == nil && c.Bot == "" && holdsCapacity(c.Status) && !holdsCapacity(old.Status) {
			k.waiting(c.QueueID)
		}
		assigned, err = s.assignInlineTx(ctx, tx, &k)
		return err
	})
	if reopen && s.dialect.IsUniqueViolation(err) {
		// A concurrent write opened one first (conversations_one_ongoing).
		if cerr := s.inTx(ctx, func(tx *sql.Tx) error { return s.reopenCheckTx(ctx, tx, c) }); cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return nil, err
	}
	// Told at once, from what was written: the assignments made inline
	// are not kept waiting for the read back below.
	s.publish(append(s.updateChanges(c, &old, surveyMsg), assigned...)...)
	return s.findConversation(ctx, s.rd, desk.SystemActor, id)
}

// planUpdate applies upd to c in memory and validates the result.
func planUpdate(c *desk.Conversation, upd desk.ConversationUpdate) error {
	if upd.Status != nil {
		c.Status = *upd.Status
	}
	if upd.Priority != nil {
		c.Priority = *upd.Priority
	}
	if upd.Tags != nil {
		c.Tags = *upd.Tags
	}
	if upd.Topic != nil {
		c.Topic = *upd.Topic
	}
	if upd.Summary != nil {
		c.Summary = *upd.Summary
	}
	if upd.Status != nil && *upd.Status == "" {
		return desk.FieldErrorf("status", "status must be open, waiting, solved or closed")
	}
	if upd.Priority != nil && *upd.Priority == "" {
		return desk.FieldErrorf("priority", "priority must be low, normal, high or urgent")
	}
	return c.Validate()
}

// updateConversationTx writes c (planned from old by planUpdate) inside
// tx: the form (required fields enforced on solving/closing), loads, tags,
// the survey when upd asks for it and this change solves or closes, and
// the timeline events. It
// returns the survey message's ID, or 0.
func (s *Conversations) updateConversationTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, c, old *desk.Conversation, upd desk.ConversationUpdate) (desk.ID, error) {
	id := c.ID
	form, err := s.applyFormTx(ctx, tx, c, upd.FormID, upd.FormValues)
	if err != nil {
		return 0, err
	}
	if err := desk.CheckFormComplete(form, c, old.Status); err != nil {
		return 0, err
	}
	if c.Status != old.Status {
		if err := s.lockAgentsTx(ctx, tx, c.AssigneeID); err != nil {
			return 0, err
		}
	}
	now := micros(s.now())
	closedAt := any(nil)
	if c.Status == desk.ConversationClosed {
		closedAt = now
		if old.ClosedAt != nil && old.Status == desk.ConversationClosed {
			closedAt = micros(*old.ClosedAt)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET status = $1, priority = $2, topic = $3, summary = $4, updated_at = $5,
		closed_at = $6, priority_rank = $7, form_id = $8, form_values = $9 WHERE id = $10`,
		c.Status, c.Priority, c.Topic, c.Summary, now, closedAt, desk.PriorityRank(c.Priority), idArg(c.FormID), mustJSON(c.FormValues), int64(id)); err != nil {
		return 0, err
	}
	if holdsCapacity(c.Status) != holdsCapacity(old.Status) {
		if err := s.refreshLoadTx(ctx, tx, c.AssigneeID); err != nil {
			return 0, err
		}
	}
	if upd.Tags != nil {
		if err := setTagsTx(ctx, tx, "conversations", id, c.Tags); err != nil {
			return 0, err
		}
	}
	surveyMsg, err := s.sendSurveyTx(ctx, tx, actor, c, old.Status, upd.Survey, fromMicros(now))
	if err != nil {
		return 0, err
	}
	if c.Status != old.Status {
		if err := s.insertEventTx(ctx, tx, id, desk.EventStatusChanged, actor, now, map[string]any{"from": old.Status, "to": c.Status}); err != nil {
			return 0, err
		}
	}
	if c.Priority != old.Priority {
		return surveyMsg, s.insertEventTx(ctx, tx, id, desk.EventPriorityChanged, actor, now, map[string]any{"from": old.Priority, "to": c.Priority})
	}
	return surveyMsg, nil
}

// updateChanges are the changes to publish after an update of old into c
// commits: conversation.updated (freeing the assignee's capacity when it
// no longer holds it) and the survey's message.created.
func (s *Conversations) updateChanges(c, old *desk.Conversation, surveyMsg desk.ID) []desk.Change {
	ch := s.conversationChange(desk.ChangeConversationUpdated, c)
	if c.AssigneeID != nil && holdsCapacity(old.Status) && !holdsCapacity(c.Status) {
		ch.FreedAgentID = *c.AssigneeID
	}
	if surveyMsg == 0 {
		return []desk.Change{ch}
	}
	msg := s.conversationChange(desk.ChangeMessageCreated, c)
	msg.MessageID = surveyMsg
	return []desk.Change{ch, msg}
}

// reopenCheckTx refuses to reopen a closed conversation while another is
// ongoing with its contact and sender (C4): 409 ongoing_conversation with
// the conversation to continue.
func (s *Conversations) reopenCheckTx(ctx context.Context, tx *sql.Tx, c *desk.Conversation) error {
	other, err := s.ongoingTx(ctx, tx, c.Channel, c.ContactAddress, c.SenderAddress)
	if isNoRows(err) {
		return nil
	} else if err != nil {
		return err
	}
	if other.ID == c.ID {
		return nil
	}
	return ongoingConflict(other)
}
