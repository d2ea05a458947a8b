package sqlstore

import (
	"context"
	"net/url"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SavePushSubscription stores the session's subscription (A7).
func (s *Team) SavePushSubscription(ctx context.Context, p *desk.PushSubscription) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	} else if !actor.System && actor.AgentID != p.AgentID {
		return desk.Errorf(desk.EFORBIDDEN, "a subscription is its own session's")
	}
	u, err := url.Parse(p.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(p.Endpoint) > 2000 {
		return desk.FieldErrorf("endpoint", "endpoint must be the push service's URL")
	}
	if p.P256dh == "" || len(p.P256dh) > 200 {
		return desk.FieldErrorf("keys.p256dh", "p256dh is required")
	} else if p.Auth == "" || len(p.Auth) > 100 {
		return desk.FieldErrorf("keys.auth", "auth is required")
	}
	now := s.now()
	p.CreatedAt = now
	_, err = s.w.ExecContext(ctx, `INSERT INTO push_subscriptions (session_id, agent_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (session_id) DO UPDATE SET endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at`,
		int64(p.SessionID), int64(p.AgentID), p.Endpoint, p.P256dh, p.Auth, micros(now))
	if err != nil && (isFKViolation(err) || s.dialect.IsUniqueViolation(err)) {
		return desk.Errorf(desk.ENOTFOUND, "the session has ended")
	}
	return err
}

// DeletePushSubscription removes the session's subscription.
func (s *Team) DeletePushSubscription(ctx context.Context, sessionID desk.ID) error {
	if _, err := desk.RequireActor(ctx); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE session_id = $1`, int64(sessionID))
	return err
}

// FindPushSubscriptions lists an agent's subscriptions (system only).
func (s *Team) FindPushSubscriptions(ctx context.Context, agentID desk.ID) ([]*desk.PushSubscription, error) {
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT session_id, agent_id, endpoint, p256dh, auth, created_at FROM push_subscriptions
		WHERE agent_id = $1 ORDER BY session_id`, int64(agentID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*desk.PushSubscription
	for rows.Next() {
		p := &desk.PushSubscription{}
		var at int64
		if err := rows.Scan(&p.SessionID, &p.AgentID, &p.Endpoint, &p.P256dh, &p.Auth, &at); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMicros(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// VAPIDKey returns the kept VAPID private key, storing gen's on first use
// (several nodes racing keep the first one written).
func (s *Team) VAPIDKey(ctx context.Context, gen func() (string, error)) (string, error) {
	if err := requireSystem(ctx); err != nil {
		return "", err
	}
	var v string
	err := s.rd.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'vapid_private_key'`).Scan(&v)
	if err == nil {
		return v, nil
	} else if !isNoRows(err) {
		return "", err
	}
	k, err := gen()
	if err != nil {
		return "", err
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('vapid_private_key', $1, $2) ON CONFLICT (key) DO NOTHING`,
		k, micros(s.now())); err != nil {
		return "", err
	}
	err = s.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'vapid_private_key'`).Scan(&v)
	return v, err
}
