package desk

import (
	"context"
	"time"
)

// PushSubscription is a session's Web Push subscription (A7): where the
// phone's browser receives pushes and its keys (base64url).
type PushSubscription struct {
	SessionID ID        `json:"-"`
	AgentID   ID        `json:"agent_id"`
	Endpoint  string    `json:"endpoint"`
	P256dh    string    `json:"p256dh"`
	Auth      string    `json:"auth"`
	CreatedAt time.Time `json:"created_at"`
}

// PushService keeps Web Push subscriptions, one per session, ended with
// the session (sign-out, a login elsewhere, expiry).
type PushService interface {
	// SavePushSubscription stores or replaces the session's subscription
	// (the session's own agent; EINVALID on a bad endpoint or keys).
	SavePushSubscription(ctx context.Context, s *PushSubscription) error
	// DeletePushSubscription removes a session's subscription; no error
	// when there is none.
	DeletePushSubscription(ctx context.Context, sessionID ID) error
	// FindPushSubscriptions lists an agent's subscriptions (system only).
	FindPushSubscriptions(ctx context.Context, agentID ID) ([]*PushSubscription, error)
	// VAPIDKey returns the server's VAPID private key, made on first use
	// by gen and kept (system only).
	VAPIDKey(ctx context.Context, gen func() (string, error)) (string, error)
}
