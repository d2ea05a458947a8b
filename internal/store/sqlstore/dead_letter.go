package sqlstore

import (
	"context"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// maxDeadLetterBody bounds what is kept of a refused payload.
const maxDeadLetterBody = 64 << 10

// CreateDeadLetter stores a refused webhook (system only). The body is kept
// as valid UTF-8 without NUL bytes, which PostgreSQL's text refuses.
func (s *Conversations) CreateDeadLetter(ctx context.Context, d *desk.DeadLetter) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	} else if !actor.System {
		return desk.Errorf(desk.EFORBIDDEN, "only the server records dead letters")
	}
	if len(d.Body) > maxDeadLetterBody {
		d.Body = d.Body[:maxDeadLetterBody]
	}
	d.Body = strings.ReplaceAll(strings.ToValidUTF8(d.Body, "\uFFFD"), "\x00", "")
	d.Reason = strings.ToValidUTF8(d.Reason, "\uFFFD")
	if d.Header == nil {
		d.Header = map[string]string{}
	}
	d.CreatedAt = s.now()
	return s.w.QueryRowContext(ctx, `INSERT INTO dead_letters (channel_id, provider, reason, header, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, int64(d.ChannelID), d.Provider, d.Reason, mustJSON(d.Header), d.Body,
		micros(d.CreatedAt)).Scan(&d.ID)
}

// FindDeadLetters lists refused webhooks, newest first (admin only).
func (s *Conversations) FindDeadLetters(ctx context.Context, f desk.DeadLetterFilter) ([]*desk.DeadLetter, string, error) {
	var w where
	if f.ChannelID != nil {
		w.add(`channel_id = ?`, int64(*f.ChannelID))
	}
	if f.Cursor != "" {
		var c cursor
		if err := c.decode(f.Cursor); err != nil {
			return nil, "", err
		}
		w.add(`id < ?`, c.ID)
	}
	n := limit(f.Limit)
	rows, err := s.rd.QueryContext(ctx, `SELECT id, channel_id, provider, reason, header, body, created_at FROM dead_letters`+
		w.sql()+` ORDER BY id DESC LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*desk.DeadLetter{}
	for rows.Next() {
		var d desk.DeadLetter
		var header string
		var at int64
		if err := rows.Scan(&d.ID, &d.ChannelID, &d.Provider, &d.Reason, &header, &d.Body, &at); err != nil {
			return nil, "", err
		}
		d.CreatedAt = fromMicros(at)
		if err := scanJSON(header, &d.Header); err != nil {
			return nil, "", err
		}
		out = append(out, &d)
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
