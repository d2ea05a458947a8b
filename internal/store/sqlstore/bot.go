package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// HandOffConversation takes a conversation from its bot (C6): from then on
// it waits in its queue like any other.
func (s *Conversations) HandOffConversation(ctx context.Context, id desk.ID, reason string) (*desk.Conversation, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.findConversation(ctx, s.rd, actor, id); err != nil {
		return nil, err
	}
	if len(reason) > 500 {
		return nil, desk.FieldErrorf("reason", "reason is longer than 500 characters")
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := micros(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET bot = NULL, waiting_since = $1, updated_at = $1 WHERE id = $2 AND bot IS NOT NULL`, now, int64(id))
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return desk.CodedErrorf(desk.ECONFLICT, "not_with_bot", "no bot holds this conversation")
		}
		return s.insertEventTx(ctx, tx, id, desk.EventBotHandoff, actor, now, map[string]any{"reason": reason})
	})
	if err != nil {
		return nil, err
	}
	c, err := s.findConversation(ctx, s.rd, desk.SystemActor, id)
	if err != nil {
		return nil, err
	}
	s.publish(s.conversationChange(desk.ChangeConversationHandedOff, c))
	return c, nil
}
