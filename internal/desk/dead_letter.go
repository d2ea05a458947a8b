package desk

import (
	"context"
	"time"
)

// DeadLetter is a webhook the server could not use: a malformed payload kept
// for inspection instead of being dropped (issue: channels).
type DeadLetter struct {
	ID        ID     `json:"id"`
	ChannelID ID     `json:"channel_id"`
	Provider  string `json:"provider"`
	// Reason is why the payload was refused.
	Reason string `json:"reason"`
	// Header holds the request's headers minus credentials and signatures.
	Header    map[string]string `json:"header"`
	Body      string            `json:"body"`
	CreatedAt time.Time         `json:"created_at"`
}

// DeadLetterFilter pages through dead letters, newest first.
type DeadLetterFilter struct {
	ChannelID *ID
	Cursor    string
	Limit     int
}

// DeadLetterService keeps refused webhooks.
type DeadLetterService interface {
	// CreateDeadLetter stores a refused webhook (system only).
	CreateDeadLetter(ctx context.Context, d *DeadLetter) error
	// FindDeadLetters lists them, newest first (admin only).
	FindDeadLetters(ctx context.Context, f DeadLetterFilter) ([]*DeadLetter, string, error)
}
