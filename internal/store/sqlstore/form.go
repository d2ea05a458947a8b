package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const formColumns = `id, name, fields, created_at, updated_at`

func scanForm(row interface{ Scan(...any) error }) (*desk.Form, error) {
	var f desk.Form
	var fields string
	var created, updated int64
	if err := row.Scan(&f.ID, &f.Name, &fields, &created, &updated); err != nil {
		return nil, err
	}
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromMicros(updated)
	f.Fields = []desk.FormField{}
	return &f, scanJSON(fields, &f.Fields)
}

// formNameTaken is the conflict of a second form with the same name.
func formNameTaken() error {
	return &desk.Error{Kind: desk.ECONFLICT, Code: "name_taken", Field: "name", Message: "a form with this name exists"}
}

// CreateForm stores a form (supervisor+).
func (s *Config) CreateForm(ctx context.Context, f *desk.Form) error {
	if err := f.Validate(); err != nil {
		return err
	}
	now := s.now()
	f.CreatedAt, f.UpdatedAt = now, now
	err := s.w.QueryRowContext(ctx, `INSERT INTO forms (name, fields, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
		f.Name, mustJSON(f.Fields), micros(now)).Scan(&f.ID)
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return formNameTaken()
	}
	return err
}

// FindFormByID returns a form to any signed-in actor.
func (s *Config) FindFormByID(ctx context.Context, id desk.ID) (*desk.Form, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	return s.findForm(ctx, s.rd, id)
}

func (s *Config) findForm(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id desk.ID) (*desk.Form, error) {
	f, err := scanForm(q.QueryRowContext(ctx, `SELECT `+formColumns+` FROM forms WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("form")
	}
	return f, err
}

// FindForms lists forms by name.
func (s *Config) FindForms(ctx context.Context) ([]*desk.Form, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT `+formColumns+` FROM forms ORDER BY lower(name), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.Form{}
	for rows.Next() {
		f, err := scanForm(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// UpdateForm changes a form (supervisor+).
func (s *Config) UpdateForm(ctx context.Context, id desk.ID, upd desk.FormUpdate) (*desk.Form, error) {
	f, err := s.findForm(ctx, s.rd, id)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		f.Name = *upd.Name
	}
	if upd.Fields != nil {
		f.Fields = *upd.Fields
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	f.UpdatedAt = s.now()
	_, err = s.w.ExecContext(ctx, `UPDATE forms SET name = $1, fields = $2, updated_at = $3 WHERE id = $4`,
		f.Name, mustJSON(f.Fields), micros(f.UpdatedAt), int64(id))
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return nil, formNameTaken()
	}
	return f, err
}

// DeleteForm removes a form (supervisor+); conversations that carried it
// lose the form and its values in the same transaction.
func (s *Config) DeleteForm(ctx context.Context, id desk.ID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET form_id = NULL, form_values = '{}' WHERE form_id = $1`, int64(id)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM forms WHERE id = $1`, int64(id))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("form")
		}
		return nil
	})
}

// applyFormTx resolves the form change of an update onto c inside the
// transaction, so the form read is the one the values are checked
// against (desk.ApplyForm).
func (s *Conversations) applyFormTx(ctx context.Context, tx *sql.Tx, c *desk.Conversation, formID *desk.ID, values map[string]any) (*desk.Form, error) {
	return desk.ApplyForm(c, formID, values, func(id desk.ID) (*desk.Form, error) { return s.config.findForm(ctx, tx, id) })
}
