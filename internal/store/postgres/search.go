package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// tsSearch queries the tsvector columns and GIN indexes of migration
// 010_search.
type tsSearch struct{}

// Source implements sqlstore.SearchSQL.
func (tsSearch) Source(group string) (from, match, id string) {
	switch group {
	case desk.SearchMessages:
		return `messages m`, `m.search @@ to_tsquery('simple', ?)`, `m.id`
	case desk.SearchConversations:
		return `conversations c`, `c.search @@ to_tsquery('simple', ?)`, `c.id`
	}
	return `customers cu`, `cu.search @@ to_tsquery('simple', ?)`, `cu.id`
}

// Expr implements sqlstore.SearchSQL.
func (tsSearch) Expr(q search.Query) string { return Expr(q) }

// Expr writes q as tsquery text: every word a quoted lexeme (so nothing the
// user typed is an operator), prefix words with :*, all of them required
// (&); a phone number's digits as an alternative prefix (|).
func Expr(q search.Query) string {
	quote := func(s string) string {
		return `'` + strings.NewReplacer(`'`, `''`, `\`, `\\`).Replace(s) + `'`
	}
	terms := make([]string, 0, len(q.Terms))
	for _, t := range q.Terms {
		e := quote(t.Text)
		if t.Prefix {
			e += ":*"
		}
		terms = append(terms, e)
	}
	all := strings.Join(terms, " & ")
	switch {
	case q.Phone == "":
		return all
	case all == "":
		return quote(q.Phone) + ":*"
	}
	return "(" + quote(q.Phone) + ":*) | (" + all + ")"
}

// Reindex recomputes the conversations' vectors (they copy their
// customer's terms) and rebuilds the GIN indexes. The messages' and
// customers' vectors are generated columns, always in step with their
// text.
func (tsSearch) Reindex(ctx context.Context, db *sql.DB) error {
	stmts := []string{
		`UPDATE conversations SET topic = topic`,
		`REINDEX INDEX messages_search`,
		`REINDEX INDEX customers_search`,
		`REINDEX INDEX conversations_search`,
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
