package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CreateSession stores a session.
func (s *Team) CreateSession(ctx context.Context, se *desk.Session) error {
	now := s.now()
	se.CreatedAt, se.LastSeenAt = now, now
	return s.w.QueryRowContext(ctx, `INSERT INTO sessions (agent_id, token_hash, client, created_at, last_seen_at, expires_at, enroll_required) VALUES ($1, $2, $3, $4, $4, $5, $6) RETURNING id`,
		int64(se.AgentID), se.TokenHash, se.Client, micros(now), micros(se.ExpiresAt), se.EnrollRequired).Scan(&se.ID)
}

// FindSessionByTokenHash returns an unexpired session and its agent.
func (s *Team) FindSessionByTokenHash(ctx context.Context, hash string) (*desk.Session, *desk.Agent, error) {
	var se desk.Session
	var created, seen, expires int64
	// One read for the session and its agent: this runs on every request.
	row := s.rd.QueryRowContext(ctx, qSessionWithAgent, hash)
	a, err := scanAgent(prefixScan{row: row, pre: []any{&se.ID, &se.AgentID, &se.Client, &created, &seen, &expires, &se.EnrollRequired}})
	if isNoRows(err) {
		return nil, nil, notFound("session")
	} else if err != nil {
		return nil, nil, err
	}
	se.CreatedAt, se.LastSeenAt, se.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	if !s.now().Before(se.ExpiresAt) {
		return nil, nil, notFound("session")
	}
	return &se, a, nil
}

// qSessionWithAgent reads a session by token hash with its agent's columns.
var qSessionWithAgent = `SELECT se.id, se.agent_id, se.client, se.created_at, se.last_seen_at, se.expires_at, se.enroll_required, ` +
	prefixColumns("a", agentColumns) + ` FROM sessions se JOIN agents a ON a.id = se.agent_id WHERE se.token_hash = $1`

// prefixColumns qualifies a column list with a table alias.
func prefixColumns(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// prefixScan scans a row whose first columns go to pre, the rest to the
// destinations a scan function passes (scanAgent after the session's).
type prefixScan struct {
	row *sql.Row
	pre []any
}

func (p prefixScan) Scan(dest ...any) error { return p.row.Scan(append(p.pre, dest...)...) }

// TouchSession moves last-seen and expiry forward.
func (s *Team) TouchSession(ctx context.Context, id desk.ID, seen, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3`, micros(seen), micros(expires), int64(id))
	return err
}

// DeleteSession revokes one session.
func (s *Team) DeleteSession(ctx context.Context, id desk.ID) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, int64(id))
	return err
}

// DeleteAgentSessions revokes an agent's sessions except keep.
func (s *Team) DeleteAgentSessions(ctx context.Context, agentID, keep desk.ID) ([]desk.ID, error) {
	rows, err := s.w.QueryContext(ctx, `DELETE FROM sessions WHERE agent_id = $1 AND id <> $2 RETURNING id`, int64(agentID), int64(keep))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []desk.ID
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CreateIntegrationToken stores a token (admin only).
func (s *Team) CreateIntegrationToken(ctx context.Context, t *desk.IntegrationToken) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if t.Name == "" || len(t.Name) > 200 {
		return desk.FieldErrorf("name", "name is required (at most 200 characters)")
	}
	if len(t.Scopes) == 0 {
		t.Scopes = []string{"inbound"} // what a token could do before scopes
	}
	t.CreatedBy, t.CreatedAt = actor.AgentID, s.now()
	return s.w.QueryRowContext(ctx, `INSERT INTO integration_tokens (name, token_hash, created_by, created_at, scopes) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		t.Name, t.TokenHash, int64(t.CreatedBy), micros(t.CreatedAt), strings.Join(t.Scopes, " ")).Scan(&t.ID)
}

// FindIntegrationTokenByHash returns ENOTFOUND if unknown.
func (s *Team) FindIntegrationTokenByHash(ctx context.Context, hash string) (*desk.IntegrationToken, error) {
	var t desk.IntegrationToken
	var at int64
	var scopes string
	err := s.rd.QueryRowContext(ctx, `SELECT id, name, created_by, created_at, scopes FROM integration_tokens WHERE token_hash = $1`, hash).Scan(&t.ID, &t.Name, &t.CreatedBy, &at, &scopes)
	if isNoRows(err) {
		return nil, notFound("token")
	}
	t.CreatedAt, t.Scopes = fromMicros(at), strings.Fields(scopes)
	return &t, err
}

// FindIntegrationTokens lists tokens (admin only).
func (s *Team) FindIntegrationTokens(ctx context.Context) ([]*desk.IntegrationToken, error) {
	rows, err := s.rd.QueryContext(ctx, `SELECT id, name, created_by, created_at, scopes FROM integration_tokens ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.IntegrationToken{}
	for rows.Next() {
		var t desk.IntegrationToken
		var at int64
		var scopes string
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedBy, &at, &scopes); err != nil {
			return nil, err
		}
		t.CreatedAt, t.Scopes = fromMicros(at), strings.Fields(scopes)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// DeleteIntegrationToken revokes a token (admin only).
func (s *Team) DeleteIntegrationToken(ctx context.Context, id desk.ID) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM integration_tokens WHERE id = $1`, int64(id))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("token")
	}
	return nil
}
