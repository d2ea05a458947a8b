package outbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SendDraft sends the caller's draft of a conversation and, when status is
// set, marks the conversation solved, waiting or closed (H2), then drops
// the draft. The status and the form (C10) are checked before anything is
// sent, so a refused status does not leave a sent reply behind.
func (s *Service) SendDraft(ctx context.Context, convID desk.ID, status string) (*desk.Conversation, *Reply, error) {
	if status != "" && (status == desk.ConversationOpen || !desk.ValidConversationStatus(status)) {
		return nil, nil, desk.FieldErrorf("status", "status must be solved, waiting or closed")
	}
	d, err := s.Store.FindDraft(ctx, convID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Store.FindConversationByID(ctx, convID)
	if err != nil {
		return nil, nil, err
	}
	if status == desk.ConversationSolved || status == desk.ConversationClosed {
		if err := s.checkForm(ctx, c); err != nil {
			return nil, nil, err
		}
	}
	rep, err := s.Reply(ctx, ReplyRequest{ConversationID: convID, Text: d.Text})
	if err != nil {
		return nil, nil, err
	}
	if status != "" {
		if c, err = s.Store.UpdateConversation(ctx, convID, desk.ConversationUpdate{Status: &status}); err != nil {
			return nil, rep, err
		}
	}
	return c, rep, s.Store.DeleteDraft(ctx, convID)
}

// checkForm refuses with form_incomplete when the conversation's form
// lacks required values.
func (s *Service) checkForm(ctx context.Context, c *desk.Conversation) error {
	if c.FormID == nil {
		return nil
	}
	f, err := s.Store.FindFormByID(ctx, *c.FormID)
	if err != nil {
		return err
	}
	if missing := f.Missing(c.FormValues); len(missing) > 0 {
		return desk.FormIncomplete(missing)
	}
	return nil
}
