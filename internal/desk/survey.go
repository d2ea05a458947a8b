package desk

import "time"

// Survey is the CSAT survey of a conversation (C12): sent once, when the
// conversation is first solved or closed in a queue that enables surveys;
// Rating (1-5) is the customer's answer. The rules are internal/survey's.
type Survey struct {
	SentAt     time.Time  `json:"sent_at"`
	Rating     *int       `json:"rating"`
	AnsweredAt *time.Time `json:"answered_at"`
}
