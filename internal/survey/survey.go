// Package survey is the CSAT survey (C12): sent once per conversation
// when it is first solved or closed in a queue that enables surveys,
// answered 1 to 5 on the survey page (the link the message carries) or
// by a reply. The rules — when a survey is due, what its message says,
// which answer counts, which survey a merge keeps — are decided here over the narrow Store this
// package declares; the store writes the outcome atomically (the survey
// message with the change that solves or closes, the answer once).
package survey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// AnswerWindow is how long after sending a reply of 1-5 counts as the
// survey's answer.
const AnswerWindow = 7 * 24 * time.Hour

// Due reports whether c, just changed from oldStatus, is owed the CSAT
// survey when its queue enables surveys: it has just been solved or
// closed, never had one, and has a customer on an external channel.
func Due(c *desk.Conversation, oldStatus string) bool {
	return done(c.Status) && !done(oldStatus) && c.Survey == nil && c.Channel != desk.ChannelInternal && c.CustomerID != 0
}

func done(st string) bool { return st == desk.ConversationSolved || st == desk.ConversationClosed }

// Owed reports whether changing c to status owes the CSAT survey: the
// change solves or closes it (Due) and its queue q enables surveys. The
// use cases that change a status ask it and pass the answer to the store
// (desk.ConversationUpdate.Survey, SendDraft's survey, desk.MacroWrite),
// which writes the survey with the change.
func Owed(c *desk.Conversation, status string, q *desk.Queue) bool {
	after := *c
	after.Status = status
	return q != nil && q.SurveyEnabled && Due(&after, c.Status)
}

// Merged reports which survey two merged conversations keep (C8): only
// the most recent, on the survivor. It is true when the merged-away
// conversation's survey (gone) must move to the survivor (keep), false
// when the survivor keeps its own or neither had one; gone's survey is
// removed either way.
func Merged(keep, gone *desk.Survey) bool {
	return gone != nil && (keep == nil || gone.SentAt.After(keep.SentAt))
}

// NewToken returns a fresh survey token: 32 hex digits, the credential
// of the survey page.
func NewToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Question is the text the survey message carries. With the server's
// public base URL (--public-url) it links to the survey page
// /survey/{token}, where the customer answers on the web; without one it
// carries no link (a bare path is no use to a customer), and a reply of
// 1 to 5 answers it on any channel.
func Question(publicURL, token string) string {
	q := "How would you rate our help? Reply with a number from 1 (poor) to 5 (excellent)."
	if publicURL == "" {
		return q
	}
	return q + " Or answer at " + URL(publicURL, token)
}

// URL is the survey page of a token under the public base URL.
func URL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/survey/" + token
}

// ParseReply parses a customer's reply as a rating: "1".."5", spaces and
// a trailing period allowed; ok is false for anything else.
func ParseReply(text string) (int, bool) {
	t := strings.TrimSuffix(strings.TrimSpace(text), ".")
	if len(t) == 1 && t[0] >= '1' && t[0] <= '5' {
		return int(t[0] - '0'), true
	}
	return 0, false
}

// CheckRating refuses a rating outside 1-5 (EINVALID, field rating).
func CheckRating(rating int) error {
	if rating < 1 || rating > 5 {
		return desk.FieldErrorf("rating", "rating must be 1 to 5")
	}
	return nil
}

// errAnswered is the answer to a survey answered already.
func errAnswered() error {
	return desk.CodedErrorf(desk.ECONFLICT, "survey_answered", "this survey has been answered already")
}

// Store is what answering a survey and changing a conversation's status
// read and write.
type Store interface {
	// FindConversationByID returns ENOTFOUND if missing or not visible.
	FindConversationByID(ctx context.Context, id desk.ID) (*desk.Conversation, error)
	// FindQueueByID returns ENOTFOUND if the queue does not exist.
	FindQueueByID(ctx context.Context, id desk.ID) (*desk.Queue, error)
	// UpdateConversation changes a conversation, with the survey when
	// upd.Survey asks for it (see desk.ConversationUpdate).
	UpdateConversation(ctx context.Context, id desk.ID, upd desk.ConversationUpdate) (*desk.Conversation, error)
	// FindSurveyByToken returns the conversation whose survey has the
	// token and that survey; ENOTFOUND for none.
	FindSurveyByToken(ctx context.Context, token string) (desk.ID, *desk.Survey, error)
	// LatestOpenSurvey returns the conversation of the customer's most
	// recent unanswered survey sent at or after since; ENOTFOUND for
	// none.
	LatestOpenSurvey(ctx context.Context, customerID desk.ID, since time.Time) (desk.ID, error)
	// WriteSurveyAnswer stores the rating of a conversation's survey with
	// a survey_answered event naming via, in one transaction, unless it
	// was answered meanwhile (ECONFLICT survey_answered).
	WriteSurveyAnswer(ctx context.Context, convID desk.ID, rating int, via string) error
}

// Service decides the survey a conversation update owes (UpdateConversation)
// and records answers: on the survey page (Answer, for the HTTP handlers)
// and by reply (AnswerReply, which the inbound pipeline offers every new
// inbound message). The store writes the survey (Question) with the change
// that solves or closes, in its transaction.
type Service struct {
	Store Store
	Clock desk.Clock
}

// UpdateConversation changes a conversation as the actor of ctx (the
// workspace's edit: status, priority, tags, ...) and, when the new status
// owes the survey (Owed, over the conversation and its queue as read
// now), asks the store to send it with the change. The store sends it
// only if its own read still finds this the change that solves or closes,
// and at most once per conversation.
func (s *Service) UpdateConversation(ctx context.Context, id desk.ID, upd desk.ConversationUpdate) (*desk.Conversation, error) {
	upd.Survey = false
	if upd.Status != nil && done(*upd.Status) {
		c, err := s.Store.FindConversationByID(ctx, id)
		if err != nil {
			return nil, err
		}
		// The queue is read only when the change is one that solves or
		// closes (Due): most updates cost no extra read.
		after := *c
		after.Status = *upd.Status
		if Due(&after, c.Status) {
			q, err := s.Store.FindQueueByID(desk.NewContextWithActor(ctx, desk.SystemActor), c.QueueID)
			if err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
				return nil, err
			}
			upd.Survey = Owed(c, *upd.Status, q)
		}
	}
	return s.Store.UpdateConversation(ctx, id, upd)
}

// Answer stores the rating of the survey with the token, for the public
// survey page (the token is the credential): EINVALID (field rating)
// outside 1-5, ENOTFOUND for an unknown token, ECONFLICT survey_answered
// when answered already.
func (s *Service) Answer(ctx context.Context, token string, rating int) error {
	if err := CheckRating(rating); err != nil {
		return err
	}
	if token == "" {
		return desk.Errorf(desk.ENOTFOUND, "survey not found")
	}
	id, sv, err := s.Store.FindSurveyByToken(ctx, token)
	if err != nil {
		return err
	}
	if sv.AnsweredAt != nil {
		return errAnswered()
	}
	return s.Store.WriteSurveyAnswer(ctx, id, rating, "web")
}

// AnswerReply records an inbound reply of "1".."5" (ParseReply) as the
// answer to the customer's latest unanswered survey of the last
// AnswerWindow, if any, and reports whether it did. The message is
// stored whatever happens here; a lost race with the web answer leaves
// the first answer in place.
func (s *Service) AnswerReply(ctx context.Context, res *desk.IngestResult) bool {
	if res == nil || res.Duplicate || res.Customer == nil || res.Message == nil {
		return false
	}
	rating, ok := ParseReply(res.Message.Text)
	if !ok {
		return false
	}
	id, err := s.Store.LatestOpenSurvey(ctx, res.Customer.ID, s.now().Add(-AnswerWindow))
	if err != nil {
		return false
	}
	return s.Store.WriteSurveyAnswer(ctx, id, rating, "reply") == nil
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return s.Clock.Now().UTC().Truncate(time.Microsecond)
}
