package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const templateColumns = `id, name, kind, text, language, variables, created_at, updated_at`

func scanTemplate(row interface{ Scan(...any) error }, extra ...any) (*desk.Template, error) {
	var t desk.Template
	var created, updated int64
	if err := row.Scan(append([]any{&t.ID, &t.Name, &t.Kind, &t.Text, &t.Language, &t.Variables, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// CreateTemplate stores a template (supervisor).
func (s *Config) CreateTemplate(ctx context.Context, t *desk.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := s.now()
	t.CreatedAt, t.UpdatedAt = now, now
	return s.w.QueryRowContext(ctx, `INSERT INTO templates (name, sort_name, kind, text, language, variables, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, t.Name, strings.ToLower(t.Name), t.Kind, t.Text, t.Language, t.Variables, micros(now)).Scan(&t.ID)
}

// FindTemplateByID returns a template; every agent may read templates.
func (s *Config) FindTemplateByID(ctx context.Context, id desk.ID) (*desk.Template, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	t, err := scanTemplate(s.rd.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM templates WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("template")
	}
	return t, err
}

// FindTemplates lists templates by name; Query matches name or text.
func (s *Config) FindTemplates(ctx context.Context, f desk.TemplateFilter) ([]*desk.Template, string, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, "", err
	}
	var w where
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		p := "%" + strings.TrimSuffix(likePrefix(q), "%") + "%"
		w.add(`(sort_name LIKE ? OR lower(text) LIKE ?)`, p, p)
	}
	if f.Kind != "" {
		w.add(`kind = ?`, f.Kind)
	}
	return findSorted(ctx, s.core, f.Cursor, f.Limit, &w, `SELECT `+templateColumns+`, sort_name FROM templates`, scanTemplate,
		func(t *desk.Template) desk.ID { return t.ID })
}

// UpdateTemplate changes a template (supervisor).
func (s *Config) UpdateTemplate(ctx context.Context, id desk.ID, upd desk.TemplateUpdate) (*desk.Template, error) {
	t, err := s.FindTemplateByID(ctx, id)
	if err != nil {
		return nil, err
	}
	for dst, v := range map[*string]*string{&t.Name: upd.Name, &t.Text: upd.Text, &t.Language: upd.Language} {
		if v != nil {
			*dst = *v
		}
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	t.UpdatedAt = s.now()
	_, err = s.w.ExecContext(ctx, `UPDATE templates SET name = $1, sort_name = $2, text = $3, language = $4, variables = $5, updated_at = $6 WHERE id = $7`,
		t.Name, strings.ToLower(t.Name), t.Text, t.Language, t.Variables, micros(t.UpdatedAt), int64(id))
	return t, err
}

// DeleteTemplate removes a template (supervisor).
func (s *Config) DeleteTemplate(ctx context.Context, id desk.ID) error {
	return deleteByID(ctx, s.w, "templates", id, "template")
}

// deleteByID deletes one row; ENOTFOUND if there was none.
func deleteByID(ctx context.Context, db *sql.DB, table string, id desk.ID, what string) error {
	res, err := db.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = $1`, int64(id))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(what)
	}
	return nil
}

// findSorted pages through rows ordered by (sort_name, id); q selects the
// columns scan reads, then sort_name.
func findSorted[T any](ctx context.Context, s *core, cur string, lim int, w *where, q string,
	scan func(row interface{ Scan(...any) error }, extra ...any) (T, error), idOf func(T) desk.ID) ([]T, string, error) {
	if cur != "" {
		var c cursor
		if err := c.decode(cur); err != nil {
			return nil, "", err
		}
		key, _ := c.Key.(string)
		w.add(`(sort_name > ? OR (sort_name = ? AND id > ?))`, key, key, c.ID)
	}
	n := limit(lim)
	rows, err := s.rd.QueryContext(ctx, q+w.sql()+` ORDER BY sort_name, id LIMIT `+itoa(n+1), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []T
	var keys []string
	for rows.Next() {
		var key string
		v, err := scan(rows, &key)
		if err != nil {
			return nil, "", err
		}
		out, keys = append(out, v), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{Key: keys[n-1], ID: int64(idOf(out[n-1]))}.encode()
	}
	return out, next, nil
}
