package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// WriteConversationMerge writes a merge of two conversations that
// internal/merge planned (C8) in one transaction and announces both.
func (s *Conversations) WriteConversationMerge(ctx context.Context, m *desk.ConversationMerge) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.writeConversationMergeTx(ctx, tx, actor, m)
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, m.Survivor.ID)
	if err != nil {
		return nil, err
	}
	closed, err := s.findConversation(ctx, s.rd, desk.SystemActor, m.Older.ID)
	if err != nil {
		return nil, err
	}
	chs := []desk.Change{s.conversationChange(desk.ChangeConversationUpdated, fresh), s.conversationChange(desk.ChangeConversationUpdated, closed)}
	for _, holder := range m.Holders {
		if holder != nil && (fresh.AssigneeID == nil || *fresh.AssigneeID != *holder) {
			chs[1].FreedAgentID = *holder
		}
	}
	s.publish(chs...)
	return fresh, nil
}

// writeConversationMergeTx writes a planned merge inside tx (see
// desk.ConversationMerge).
func (s *Conversations) writeConversationMergeTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, m *desk.ConversationMerge) error {
	survivor, older := m.Survivor, m.Older
	if err := s.lockAgentsTx(ctx, tx, m.Holders...); err != nil {
		return err
	}
	now := micros(s.now())
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET conversation_id = $1 WHERE conversation_id = $2`, int64(survivor.ID), int64(older.ID)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attachments SET conversation_id = $1 WHERE conversation_id = $2`, int64(survivor.ID), int64(older.ID)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE media_jobs SET conversation_id = $1 WHERE conversation_id = $2`, int64(survivor.ID), int64(older.ID)); err != nil {
		return err
	}
	// The survivor takes the planned queue, assignee, summary, topic and
	// priority, and the latest activity of both.
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET queue_id = $1, assignee_id = $2, summary = $3, topic = $4, priority = $5,
		priority_rank = $6, updated_at = $7,
		last_message_at = (SELECT max(created_at) FROM messages WHERE conversation_id = $8 AND kind = 'message'),
		last_customer_message_at = (SELECT max(created_at) FROM messages WHERE conversation_id = $8 AND direction = 'in')
		WHERE id = $8`, int64(survivor.QueueID), idArg(survivor.AssigneeID), survivor.Summary, survivor.Topic, survivor.Priority,
		desk.PriorityRank(survivor.Priority), now, int64(survivor.ID)); err != nil {
		return err
	}
	if err := s.keepLatestSurveyTx(ctx, tx, survivor, older); err != nil {
		return err
	}
	if err := setTagsTx(ctx, tx, "conversations", survivor.ID, survivor.Tags); err != nil {
		return err
	}
	closedAt := now
	if older.ClosedAt != nil {
		closedAt = micros(*older.ClosedAt)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET status = 'closed', closed_at = $1, merged_into_id = $2, updated_at = $3, assignee_id = NULL WHERE id = $4`,
		closedAt, int64(survivor.ID), now, int64(older.ID)); err != nil {
		return err
	}
	if err := s.refreshLoadTx(ctx, tx, m.Holders...); err != nil {
		return err
	}
	if err := s.insertEventTx(ctx, tx, survivor.ID, desk.EventMerged, actor, now, map[string]any{"merged_id": older.ID.String()}); err != nil {
		return err
	}
	return s.insertEventTx(ctx, tx, older.ID, desk.EventMerged, actor, now, map[string]any{"merged_into_id": survivor.ID.String()})
}
