package desk

import (
	"context"
	"time"
)

// IdempotentResponse is the response first given to a request carrying an
// Idempotency-Key; Status 0 means the first request is still in progress.
type IdempotentResponse struct {
	Fingerprint string
	Status      int
	Body        string
}

// IdempotencyKeyTTL is how long a key is remembered.
const IdempotencyKeyTTL = 24 * time.Hour

// IdempotencyService remembers the responses of requests made with an
// Idempotency-Key, per caller (principal: an agent or an integration
// token).
type IdempotencyService interface {
	// BeginIdempotent claims key for a request with fingerprint: nil when
	// the caller is the first (it must then Finish or Abandon), else the
	// recorded response (Status 0 while in progress). A claim left in
	// progress longer than stale (a crash) is taken over.
	BeginIdempotent(ctx context.Context, principal, key, fingerprint string, stale time.Duration) (*IdempotentResponse, error)
	// FinishIdempotent records the response of a claimed key.
	FinishIdempotent(ctx context.Context, principal, key string, status int, body string) error
	// AbandonIdempotent forgets a claimed key (the request failed: a retry
	// may run it again).
	AbandonIdempotent(ctx context.Context, principal, key string) error
}
