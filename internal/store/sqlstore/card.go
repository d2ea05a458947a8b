package sqlstore

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const cardColumns = `id, name, url, fields, secret, created_at, updated_at`

func scanCard(row interface{ Scan(...any) error }) (*desk.Card, error) {
	var c desk.Card
	var fields string
	var created, updated int64
	if err := row.Scan(&c.ID, &c.Name, &c.URL, &fields, &c.Secret, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.HasSecret = fromMicros(created), fromMicros(updated), c.Secret != ""
	c.Fields = []desk.CardField{}
	return &c, scanJSON(fields, &c.Fields)
}

func cardNameTaken() error {
	return &desk.Error{Kind: desk.ECONFLICT, Code: "name_taken", Field: "name", Message: "a card with this name exists"}
}

// CreateCard stores a context card (admin).
func (s *Config) CreateCard(ctx context.Context, c *desk.Card) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now()
	c.CreatedAt, c.UpdatedAt = now, now
	err := s.w.QueryRowContext(ctx, `INSERT INTO cards (name, url, fields, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		c.Name, c.URL, mustJSON(c.Fields), c.Secret, micros(now)).Scan(&c.ID)
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return cardNameTaken()
	}
	return err
}

// FindCardByID returns a card (admin).
func (s *Config) FindCardByID(ctx context.Context, id desk.ID) (*desk.Card, error) {
	c, err := scanCard(s.rd.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE id = $1`, int64(id)))
	if isNoRows(err) {
		return nil, notFound("card")
	}
	return c, err
}

// FindCards lists cards by name (admin).
func (s *Config) FindCards(ctx context.Context) ([]*desk.Card, error) {
	rows, err := s.rd.QueryContext(ctx, `SELECT `+cardColumns+` FROM cards ORDER BY lower(name), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.Card{}
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCard changes a card (admin).
func (s *Config) UpdateCard(ctx context.Context, id desk.ID, upd desk.CardUpdate) (*desk.Card, error) {
	c, err := s.FindCardByID(ctx, id)
	if err != nil {
		return nil, err
	}
	for dst, v := range map[*string]*string{&c.Name: upd.Name, &c.URL: upd.URL, &c.Secret: upd.Secret} {
		if v != nil {
			*dst = *v
		}
	}
	if upd.Fields != nil {
		c.Fields = *upd.Fields
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.UpdatedAt = s.now()
	_, err = s.w.ExecContext(ctx, `UPDATE cards SET name = $1, url = $2, fields = $3, secret = $4, updated_at = $5 WHERE id = $6`,
		c.Name, c.URL, mustJSON(c.Fields), c.Secret, micros(c.UpdatedAt), int64(id))
	if err != nil && s.dialect.IsUniqueViolation(err) {
		return nil, cardNameTaken()
	}
	return c, err
}

// DeleteCard removes a card (admin).
func (s *Config) DeleteCard(ctx context.Context, id desk.ID) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM cards WHERE id = $1`, int64(id))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("card")
	}
	return nil
}
