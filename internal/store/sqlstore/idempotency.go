package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

var _ desk.IdempotencyService = (*Conversations)(nil)

// BeginIdempotent claims a key with one conditional insert; a claim still
// in progress after stale is taken over, and keys older than
// desk.IdempotencyKeyTTL are forgotten on the way.
func (s *Conversations) BeginIdempotent(ctx context.Context, principal, key, fingerprint string, stale time.Duration) (*desk.IdempotentResponse, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	now := s.now()
	var out *desk.IdempotentResponse
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE principal = $1 AND idem_key = $2 AND (created_at < $3 OR (status = 0 AND created_at < $4))`,
			principal, key, micros(now.Add(-desk.IdempotencyKeyTTL)), micros(now.Add(-stale))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (principal, idem_key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (principal, idem_key) DO NOTHING`, principal, key, fingerprint, micros(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		out = &desk.IdempotentResponse{}
		return tx.QueryRowContext(ctx, `SELECT fingerprint, status, body FROM idempotency_keys WHERE principal = $1 AND idem_key = $2`,
			principal, key).Scan(&out.Fingerprint, &out.Status, &out.Body)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, desk.Errorf(desk.ECONFLICT, "idempotency key changed while claimed; retry")
	}
	// Old keys of everyone are swept now and then (cheap: indexed).
	if err == nil && now.UnixMicro()%64 == 0 {
		_, _ = s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, micros(now.Add(-desk.IdempotencyKeyTTL)))
	}
	return out, err
}

// FinishIdempotent records a claimed key's response.
func (s *Conversations) FinishIdempotent(ctx context.Context, principal, key string, status int, body string) error {
	if _, err := desk.RequireActor(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, body = $2 WHERE principal = $3 AND idem_key = $4`, status, body, principal, key)
		return err
	})
}

// AbandonIdempotent forgets a claimed key still in progress.
func (s *Conversations) AbandonIdempotent(ctx context.Context, principal, key string) error {
	if _, err := desk.RequireActor(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE principal = $1 AND idem_key = $2 AND status = 0`, principal, key)
		return err
	})
}
