package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// tagsOf returns the sorted tags of one record from a join table.
func tagsOf(ctx context.Context, q querier, table, col string, id desk.ID) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT tag FROM `+table+` WHERE `+col+` = $1 ORDER BY tag`, int64(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tags := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, rows.Err()
}

// setTagsTx replaces a record's tags, creating unknown tags on first use.
func setTagsTx(ctx context.Context, tx *sql.Tx, table, col string, id desk.ID, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+col+` = $1`, int64(id)); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (name) VALUES ($1) ON CONFLICT DO NOTHING`, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+col+`, tag) VALUES ($1, $2)`, int64(id), t); err != nil {
			return err
		}
	}
	return nil
}

// FindTags lists tags with their use counts.
func (s *Store) FindTags(ctx context.Context) ([]*desk.Tag, error) {
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT t.name,
		(SELECT count(*) FROM conversation_tags c WHERE c.tag = t.name) + (SELECT count(*) FROM customer_tags u WHERE u.tag = t.name)
		FROM tags t ORDER BY t.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*desk.Tag{}
	for rows.Next() {
		var t desk.Tag
		if err := rows.Scan(&t.Name, &t.Uses); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// CreateTag adds a tag (supervisor+); idempotent.
func (s *Store) CreateTag(ctx context.Context, name string) (*desk.Tag, error) {
	if _, err := desk.RequireRole(ctx, desk.RoleSupervisor); err != nil {
		return nil, err
	}
	tags, err := desk.NormalizeTags([]string{name})
	if err != nil {
		return nil, &desk.Error{Kind: desk.EINVALID, Field: "name", Message: desk.ErrorMessage(err)}
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO tags (name) VALUES ($1) ON CONFLICT DO NOTHING`, tags[0]); err != nil {
		return nil, err
	}
	return &desk.Tag{Name: tags[0]}, nil
}

// DeleteTag removes a tag from the list and every record (supervisor+).
func (s *Store) DeleteTag(ctx context.Context, name string) error {
	if _, err := desk.RequireRole(ctx, desk.RoleSupervisor); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("tag")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_tags WHERE tag = $1`, name); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM customer_tags WHERE tag = $1`, name)
		return err
	})
}
