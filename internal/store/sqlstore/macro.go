package sqlstore

import (
	"context"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

const macroColumns = `id, name, tags, actions, created_at, updated_at`

func scanMacro(row interface{ Scan(...any) error }, extra ...any) (*desk.Macro, error) {
	var m desk.Macro
	var tags, actions string
	var created, updated int64
	if err := row.Scan(append([]any{&m.ID, &m.Name, &tags, &actions, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt, m.Tags = fromMicros(created), fromMicros(updated), []string{}
	if err := scanJSON(tags, &m.Tags); err != nil {
		return nil, err
	}
	return &m, scanJSON(actions, &m.Actions)
}

// CreateMacro stores a macro (supervisor).
func (s *Config) CreateMacro(ctx context.Context, m *desk.Macro) error {
	keyMacro(m)
	if err := m.Validate(); err != nil {
		return err
	}
	now := s.now()
	m.CreatedAt, m.UpdatedAt = now, now
	return s.w.QueryRowContext(ctx, `INSERT INTO macros (name, sort_name, tags, actions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		m.Name, strings.ToLower(m.Name), jsonList(m.Tags), mustJSON(m.Actions), micros(now)).Scan(&m.ID)
}

// FindMacroByID returns a macro; every agent may read macros.
func (s *Config) FindMacroByID(ctx context.Context, id desk.ID) (*desk.Macro, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	m, err := scanMacro(s.rd.QueryRowContext(ctx, `SELECT `+macroColumns+` FROM macros WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("macro")
	}
	return m, err
}

// FindMacros lists macros by name, searched by name, filtered by tag and
// by the channel they set To for (E3).
func (s *Config) FindMacros(ctx context.Context, f desk.MacroFilter) ([]*desk.Macro, string, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, "", err
	}
	var w where
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		w.add(`sort_name LIKE ?`, "%"+strings.TrimSuffix(likePrefix(q), "%")+"%")
	}
	// Tags and channels are normalized JSON strings: their quoted form
	// matches exactly.
	if tag := strings.ToLower(strings.TrimSpace(f.Tag)); tag != "" {
		w.add(`tags LIKE ?`, "%"+mustJSON(tag)+"%")
	}
	if f.ToChannel != "" {
		w.add(`actions LIKE ?`, `%"to":{%`+mustJSON(f.ToChannel)+`:%`)
	}
	return findSorted(ctx, s.core, f.Cursor, f.Limit, &w, `SELECT `+macroColumns+`, sort_name FROM macros`, scanMacro,
		func(m *desk.Macro) desk.ID { return m.ID })
}

// UpdateMacro changes a macro (supervisor).
func (s *Config) UpdateMacro(ctx context.Context, id desk.ID, upd desk.MacroUpdate) (*desk.Macro, error) {
	m, err := s.FindMacroByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		m.Name = *upd.Name
	}
	if upd.Tags != nil {
		m.Tags = *upd.Tags
	}
	if upd.Actions != nil {
		m.Actions = *upd.Actions
	}
	keyMacro(m)
	if err := m.Validate(); err != nil {
		return nil, err
	}
	m.UpdatedAt = s.now()
	_, err = s.w.ExecContext(ctx, `UPDATE macros SET name = $1, sort_name = $2, tags = $3, actions = $4, updated_at = $5 WHERE id = $6`,
		m.Name, strings.ToLower(m.Name), jsonList(m.Tags), mustJSON(m.Actions), micros(m.UpdatedAt), int64(id))
	return m, err
}

// DeleteMacro removes a macro (supervisor).
func (s *Config) DeleteMacro(ctx context.Context, id desk.ID) error {
	return deleteByID(ctx, s.w, "macros", id, "macro")
}

// keyMacro keys the phone numbers a macro sets To (issue 16); what is not
// a number is left to Validate.
func keyMacro(m *desk.Macro) {
	for ch, addr := range m.Actions.To {
		if a, err := phone.Address("actions.to", ch, addr, phone.ForChannel(ch, "", "")); err == nil {
			m.Actions.To[ch] = a
		}
	}
}
