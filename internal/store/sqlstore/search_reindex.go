package sqlstore

import (
	"context"
	"database/sql"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// ReindexSearch recomputes every customer's search terms (phone suffixes
// and folding may have changed since they were written) and has the
// database rebuild its full-text indexes.
func (s *SearchIndex) ReindexSearch(ctx context.Context) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	} else if !actor.System {
		return desk.Errorf(desk.EFORBIDDEN, "only the server rebuilds search indexes")
	}
	var after int64
	for {
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, name, contacts, search_terms FROM customers WHERE id > $1 ORDER BY id LIMIT 1000`, after)
			if err != nil {
				return err
			}
			type change struct {
				id    int64
				terms string
			}
			var changes []change
			for rows.Next() {
				var id int64
				var name, contacts, terms string
				if err := rows.Scan(&id, &name, &contacts, &terms); err != nil {
					rows.Close()
					return err
				}
				var cs []desk.Contact
				if err := scanJSON(contacts, &cs); err != nil {
					rows.Close()
					return err
				}
				if t := search.CustomerTerms(name, cs); t != terms {
					changes = append(changes, change{id, t})
				}
				after, n = id, n+1
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, c := range changes {
				if _, err := tx.ExecContext(ctx, `UPDATE customers SET search_terms = $1 WHERE id = $2`, c.terms, c.id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		} else if n == 0 {
			break
		}
	}
	return s.dialect.Search.Reindex(ctx, s.w)
}
