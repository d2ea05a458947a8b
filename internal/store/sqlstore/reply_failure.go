package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FailedReplyConversation returns a reply's conversation and whether the
// reply is its latest message of ours (see desk.ReplyFailureService).
func (s *Conversations) FailedReplyConversation(ctx context.Context, messageID desk.ID) (*desk.Conversation, bool, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, false, err
	}
	var convID int64
	var latest bool
	err := s.rd.QueryRowContext(ctx, `SELECT m.conversation_id, NOT EXISTS (SELECT 1 FROM messages o
		WHERE o.conversation_id = m.conversation_id AND o.direction = 'out' AND o.kind = 'message' AND o.id > m.id)
		FROM messages m WHERE m.id = $1`, int64(messageID)).Scan(&convID, &latest)
	if isNoRows(err) {
		return nil, false, notFound("message")
	} else if err != nil {
		return nil, false, err
	}
	c, err := s.FindConversationByID(ctx, desk.ID(convID))
	return c, latest, err
}
