package outbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SendDraft sends the caller's draft of a conversation (its text, and for
// email its subject and copies) and, when status is set, marks the
// conversation solved, waiting or closed (H2). The reply is checked
// against the route and the channel's rules here; the store then writes
// the message, its send job, the status change and the draft's removal in
// one transaction, so a refused status (form_incomplete, ...) sends
// nothing and keeps the draft.
func (s *Service) SendDraft(ctx context.Context, convID desk.ID, status string) (*desk.Conversation, *Reply, error) {
	if status != "" && (status == desk.ConversationOpen || !desk.ValidConversationStatus(status)) {
		return nil, nil, desk.FieldErrorf("status", "status must be solved, waiting or closed")
	}
	d, err := s.Store.FindDraft(ctx, convID)
	if err != nil {
		return nil, nil, err
	}
	rep, err := s.build(ctx, ReplyRequest{ConversationID: convID, Text: d.Text, Subject: d.Subject, CC: d.CC, BCC: d.BCC})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Store.SendDraft(ctx, rep.Message, status)
	if err != nil {
		return nil, nil, err
	}
	if rep.Send != nil && s.Notify != nil {
		s.Notify()
	}
	return c, rep, nil
}
