package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// UpdateConversation changes fields of a visible conversation and records
// status and priority changes on the timeline, in one transaction.
func (s *Store) UpdateConversation(ctx context.Context, id desk.ID, upd desk.ConversationUpdate) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, actor, id)
	if err != nil {
		return nil, err
	}
	old := *c
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
		return nil, desk.FieldErrorf("status", "status must be open, waiting, solved or closed")
	}
	if upd.Priority != nil && *upd.Priority == "" {
		return nil, desk.FieldErrorf("priority", "priority must be low, normal, high or urgent")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if c.Status != old.Status {
			if err := s.lockAgentsTx(ctx, tx, c.AssigneeID); err != nil {
				return err
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
			closed_at = $6, priority_rank = $7 WHERE id = $8`,
			c.Status, c.Priority, c.Topic, c.Summary, now, closedAt, desk.PriorityRank(c.Priority), int64(id)); err != nil {
			return err
		}
		if holdsCapacity(c.Status) != holdsCapacity(old.Status) {
			if err := refreshLoadTx(ctx, tx, c.AssigneeID); err != nil {
				return err
			}
		}
		if upd.Tags != nil {
			if err := setTagsTx(ctx, tx, "conversations", id, c.Tags); err != nil {
				return err
			}
		}
		if c.Status != old.Status {
			if err := s.insertEventTx(ctx, tx, id, desk.EventStatusChanged, actor, now, map[string]any{"from": old.Status, "to": c.Status}); err != nil {
				return err
			}
		}
		if c.Priority != old.Priority {
			return s.insertEventTx(ctx, tx, id, desk.EventPriorityChanged, actor, now, map[string]any{"from": old.Priority, "to": c.Priority})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c, err = s.findConversation(ctx, s.rd, desk.SystemActor, id)
	if err != nil {
		return nil, err
	}
	ch := s.conversationChange(desk.ChangeConversationUpdated, c)
	if c.AssigneeID != nil && holdsCapacity(old.Status) && !holdsCapacity(c.Status) {
		ch.FreedAgentID = *c.AssigneeID
	}
	s.publish(ch)
	return c, nil
}
