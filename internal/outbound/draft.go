package outbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/survey"
)

// SendDraft sends the caller's draft of a conversation (its text, and for
// email its subject and copies) and, when status is set, marks the
// conversation solved, waiting or closed (H2). The reply is checked
// against the route and the channel's rules here; the store then writes
// the message, its send job, the status change (with the survey when it is
// owed, survey.Owed) and the draft's removal in one transaction, so a
// refused status (form_incomplete, ...) sends nothing and keeps the draft.
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
	owed, err := s.surveyOwed(ctx, convID, status)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Store.SendDraft(ctx, rep.Message, status, owed)
	if err != nil {
		return nil, nil, err
	}
	if rep.Send != nil && s.Notify != nil {
		s.Notify()
	}
	return c, rep, nil
}

// surveyOwed reports whether marking the conversation status with the
// reply owes the CSAT survey (survey.Owed over the conversation and its
// queue as read now); the store writes it with the change.
func (s *Service) surveyOwed(ctx context.Context, convID desk.ID, status string) (bool, error) {
	if status != desk.ConversationSolved && status != desk.ConversationClosed {
		return false, nil
	}
	c, err := s.Store.FindConversationByID(ctx, convID)
	if err != nil {
		return false, err
	}
	q, err := s.Store.FindQueueByID(desk.NewContextWithActor(ctx, desk.SystemActor), c.QueueID)
	if err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
		return false, err
	}
	return survey.Owed(c, status, q), nil
}
