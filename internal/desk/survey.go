package desk

import (
	"context"
	"strings"
	"time"
)

// Survey is the CSAT survey of a conversation (C12): sent once, when the
// conversation is first solved or closed in a queue that enables surveys;
// Rating (1-5) is the customer's answer.
type Survey struct {
	SentAt     time.Time  `json:"sent_at"`
	Rating     *int       `json:"rating"`
	AnsweredAt *time.Time `json:"answered_at"`
}

// SurveyQuestion is the text the survey message carries. With the
// server's public base URL (--public-url) it links to the survey page
// /survey/{token}, where the customer answers on the web; without one it
// carries no link (a bare path is no use to a customer), and a reply of
// 1 to 5 answers it on any channel.
func SurveyQuestion(publicURL, token string) string {
	q := "How would you rate our help? Reply with a number from 1 (poor) to 5 (excellent)."
	if publicURL == "" {
		return q
	}
	return q + " Or answer at " + SurveyURL(publicURL, token)
}

// SurveyURL is the survey page of a token under the public base URL.
func SurveyURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/survey/" + token
}

// SurveyRating parses a customer's reply as a rating: "1".."5", spaces
// and a trailing period allowed; ok is false for anything else.
func SurveyRating(text string) (int, bool) {
	t := strings.TrimSuffix(strings.TrimSpace(text), ".")
	if len(t) == 1 && t[0] >= '1' && t[0] <= '5' {
		return int(t[0] - '0'), true
	}
	return 0, false
}

// SurveyService records answers. Surveys are sent by UpdateConversation
// (and every other path that solves or closes).
type SurveyService interface {
	// AnswerSurvey stores the rating of the survey with the token, for the
	// public survey page: ENOTFOUND for an unknown token, EINVALID (field
	// rating) outside 1-5, ECONFLICT survey_answered when answered already.
	AnswerSurvey(ctx context.Context, token string, rating int) error
}

// SurveyDue reports whether c, just changed from oldStatus, is owed the
// CSAT survey (C12) when its queue enables surveys: it has just been
// solved or closed, never had one, and has a customer on an external
// channel.
func SurveyDue(c *Conversation, oldStatus string) bool {
	done := func(st string) bool { return st == ConversationSolved || st == ConversationClosed }
	return done(c.Status) && !done(oldStatus) && c.Survey == nil && c.Channel != ChannelInternal && c.CustomerID != 0
}
