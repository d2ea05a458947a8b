package outbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FailedReplyStore is what the failed-reply rule needs of the store.
type FailedReplyStore interface {
	desk.ReplyFailureService
	UpdateConversation(ctx context.Context, id desk.ID, upd desk.ConversationUpdate) (*desk.Conversation, error)
}

// ReplyFailed is the rule for a reply the provider refused for good
// (issue 20): "Send and wait" set the conversation Waiting as if the
// customer had the answer; they do not, so a Waiting conversation whose
// latest reply failed goes back to Open (a status change on its
// timeline), where the agent sees the failure with its Retry. A reply
// followed by another one, or a conversation an agent has since moved
// elsewhere (solved, closed, open), is left alone. It reports whether the
// conversation was reopened. ctx is the system's.
func ReplyFailed(ctx context.Context, st FailedReplyStore, messageID desk.ID) (bool, error) {
	c, latest, err := st.FailedReplyConversation(ctx, messageID)
	if err != nil || !latest || c.Status != desk.ConversationWaiting {
		return false, err
	}
	open := desk.ConversationOpen
	if _, err := st.UpdateConversation(ctx, c.ID, desk.ConversationUpdate{Status: &open}); err != nil {
		return false, err
	}
	return true, nil
}
