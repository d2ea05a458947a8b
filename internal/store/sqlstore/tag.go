package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// tagTables maps a tagged record's table to its join table and key column.
var tagTables = map[string][2]string{
	"conversations": {"conversation_tags", "conversation_id"},
	"customers":     {"customer_tags", "customer_id"},
}

// tagsOfTx returns the sorted tags of one record from its join table.
func tagsOfTx(ctx context.Context, tx *sql.Tx, parent string, id desk.ID) ([]string, error) {
	t := tagTables[parent]
	rows, err := tx.QueryContext(ctx, `SELECT tag FROM `+t[0]+` WHERE `+t[1]+` = $1 ORDER BY tag`, int64(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tags := []string{}
	for rows.Next() {
		var tag string
		if err := rows.Scan(&tag); err != nil {
			return nil, err
		}
		tags = append(tags, tag)
	}
	return tags, rows.Err()
}

// setTagsTx replaces the tags of a record of parent (conversations or
// customers) in the join table and in the record's copy, creating unknown
// tags on first use. tags must be normalized (sorted).
func setTagsTx(ctx context.Context, tx *sql.Tx, parent string, id desk.ID, tags []string) error {
	t := tagTables[parent]
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+t[0]+` WHERE `+t[1]+` = $1`, int64(id)); err != nil {
		return err
	}
	for _, tag := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (name) VALUES ($1) ON CONFLICT DO NOTHING`, tag); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t[0]+` (`+t[1]+`, tag) VALUES ($1, $2)`, int64(id), tag); err != nil {
			return err
		}
	}
	if tags == nil {
		tags = []string{}
	}
	_, err := tx.ExecContext(ctx, `UPDATE `+parent+` SET tags = $1 WHERE id = $2`, mustJSON(tags), int64(id))
	return err
}

// FindTags lists tags with their use counts.
func (s *Config) FindTags(ctx context.Context) ([]*desk.Tag, error) {
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
func (s *Config) CreateTag(ctx context.Context, name string) (*desk.Tag, error) {
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
func (s *Config) DeleteTag(ctx context.Context, name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("tag")
		}
		for parent := range tagTables {
			if err := untagAllTx(ctx, tx, parent, name); err != nil {
				return err
			}
		}
		return nil
	})
}

// untagAllTx removes a tag from every record of parent, rewriting each
// record's copy of its tags.
func untagAllTx(ctx context.Context, tx *sql.Tx, parent, tag string) error {
	t := tagTables[parent]
	rows, err := tx.QueryContext(ctx, `DELETE FROM `+t[0]+` WHERE tag = $1 RETURNING `+t[1], tag)
	if err != nil {
		return err
	}
	var ids []desk.ID
	for rows.Next() {
		var id desk.ID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		tags, err := tagsOfTx(ctx, tx, parent, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+parent+` SET tags = $1 WHERE id = $2`, mustJSON(tags), int64(id)); err != nil {
			return err
		}
	}
	return nil
}
