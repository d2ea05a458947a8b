package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// MergeConversations merges two conversations of one customer (C8) in
// one transaction; see desk.ConversationMerger.
func (s *Store) MergeConversations(ctx context.Context, id, otherID desk.ID) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if id == otherID {
		return nil, desk.FieldErrorf("other_id", "a conversation cannot be merged with itself")
	}
	cur, err := s.findConversation(ctx, s.rd, actor, id)
	if err != nil {
		return nil, err
	}
	other, err := s.findConversation(ctx, s.rd, actor, otherID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, desk.FieldErrorf("other_id", "unknown conversation")
	} else if err != nil {
		return nil, err
	}
	if cur.CustomerID == 0 || cur.CustomerID != other.CustomerID {
		return nil, &desk.Error{Kind: desk.ECONFLICT, Code: desk.CodeDifferentCustomers, Field: "other_id",
			Message: "only conversations of the same customer can be merged"}
	}
	if cur.Status == desk.ConversationClosed {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	survivor, older := mergeOrder(cur, other)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.mergeConversationsTx(ctx, tx, actor, cur, other)
	})
	if err != nil {
		return nil, err
	}
	fresh, err := s.findConversation(ctx, s.rd, desk.SystemActor, survivor.ID)
	if err != nil {
		return nil, err
	}
	closed, err := s.findConversation(ctx, s.rd, desk.SystemActor, older.ID)
	if err != nil {
		return nil, err
	}
	chs := []desk.Change{s.conversationChange(desk.ChangeConversationUpdated, fresh), s.conversationChange(desk.ChangeConversationUpdated, closed)}
	for _, prev := range []*desk.Conversation{cur, other} {
		if prev.AssigneeID != nil && (fresh.AssigneeID == nil || *fresh.AssigneeID != *prev.AssigneeID) {
			chs[1].FreedAgentID = *prev.AssigneeID
		}
	}
	s.publish(chs...)
	return fresh, nil
}

// mergeOrder says which of two conversations survives a merge: the one
// the agent is in (cur), as the API says ({id} survives); the other
// closes pointing at it.
func mergeOrder(cur, other *desk.Conversation) (survivor, older *desk.Conversation) {
	return cur, other
}

// mergeConversationsTx merges other into cur's thread inside tx by C8's
// rules (see MergeConversations): one of them survives (mergeOrder) with
// the messages of both, cur's queue, assignee, summary, topic and
// priority, the tags of both and the latest survey; the other is closed
// pointing at it.
func (s *Store) mergeConversationsTx(ctx context.Context, tx *sql.Tx, actor *desk.Actor, cur, other *desk.Conversation) error {
	survivor, older := mergeOrder(cur, other)
	tags, _ := desk.NormalizeTags(append(slices.Clone(cur.Tags), other.Tags...))
	if err := s.lockAgentsTx(ctx, tx, cur.AssigneeID, other.AssigneeID); err != nil {
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
	// The survivor takes the current conversation's queue, assignee,
	// summary, topic and priority, and the latest activity of both.
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET queue_id = $1, assignee_id = $2, summary = $3, topic = $4, priority = $5,
		priority_rank = $6, updated_at = $7,
		last_message_at = (SELECT max(created_at) FROM messages WHERE conversation_id = $8 AND kind = 'message'),
		last_customer_message_at = (SELECT max(created_at) FROM messages WHERE conversation_id = $8 AND direction = 'in')
		WHERE id = $8`, int64(cur.QueueID), idArg(cur.AssigneeID), cur.Summary, cur.Topic, cur.Priority, desk.PriorityRank(cur.Priority), now, int64(survivor.ID)); err != nil {
		return err
	}
	if err := s.keepLatestSurveyTx(ctx, tx, survivor, older); err != nil {
		return err
	}
	if err := setTagsTx(ctx, tx, "conversations", survivor.ID, tags); err != nil {
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
	if err := s.refreshLoadTx(ctx, tx, cur.AssigneeID, other.AssigneeID); err != nil {
		return err
	}
	if err := s.insertEventTx(ctx, tx, survivor.ID, desk.EventMerged, actor, now, map[string]any{"merged_id": older.ID.String()}); err != nil {
		return err
	}
	return s.insertEventTx(ctx, tx, older.ID, desk.EventMerged, actor, now, map[string]any{"merged_into_id": survivor.ID.String()})
}
