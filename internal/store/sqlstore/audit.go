package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CreateAuditEntry appends an entry to the audit log.
func (s *Team) CreateAuditEntry(ctx context.Context, e *desk.AuditEntry) error {
	e.CreatedAt = s.now()
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if len(e.IP) > 100 {
		e.IP = e.IP[:100]
	}
	return s.w.QueryRowContext(ctx, `INSERT INTO audit_log (type, actor_id, agent_id, ip, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.Type, idArg(e.ActorID), idArg(e.AgentID), e.IP, mustJSON(e.Detail), micros(e.CreatedAt)).Scan(&e.ID)
}

// FindAuditEntries lists entries newest first (admin only). IDs grow with
// time, so the keyset is the ID alone.
func (s *Team) FindAuditEntries(ctx context.Context, f desk.AuditFilter) ([]*desk.AuditEntry, string, error) {
	var w where
	if f.Type != nil {
		w.add("type = ?", *f.Type)
	}
	if f.AgentID != nil {
		w.add("agent_id = ?", int64(*f.AgentID))
	}
	if f.Cursor != "" {
		var c cursor
		if err := c.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		w.add("id < ?", c.ID)
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(ctx, `SELECT id, type, actor_id, agent_id, ip, detail, created_at FROM audit_log`+w.sql()+
		` ORDER BY id DESC LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*desk.AuditEntry{}
	for rows.Next() {
		var e desk.AuditEntry
		var actor, agent sql.NullInt64
		var detail string
		var at int64
		if err := rows.Scan(&e.ID, &e.Type, &actor, &agent, &e.IP, &detail, &at); err != nil {
			return nil, "", err
		}
		e.ActorID, e.AgentID, e.CreatedAt = nullID(actor), nullID(agent), fromMicros(at)
		if err := scanJSON(detail, &e.Detail); err != nil {
			return nil, "", err
		}
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{ID: int64(out[n-1].ID)}.encode()
	}
	return out, next, nil
}
