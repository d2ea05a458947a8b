package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// tsSearch queries the tsvector columns and GIN indexes of migrations
// 010_search and 090_search_buckets, choosing per query between a walk
// and GIN from the tables' lexeme frequencies.
type tsSearch struct {
	freqs lexemeFreqs
}

// searchTables and bucketShifts name each group's table and the size of
// the recency buckets its vectors carry (migration 090_search_buckets: the
// lexeme '~' || id >> shift).
var (
	searchTables = map[string]string{
		desk.SearchMessages: "messages", desk.SearchConversations: "conversations", desk.SearchCustomers: "customers",
	}
	bucketShifts = map[string]int{desk.SearchMessages: 14, desk.SearchConversations: 12, desk.SearchCustomers: 11}
)

// Matches implements sqlstore.SearchSQL. Which listing suits a query is
// decided here (Common), not by the planner: it estimates a prefix it
// knows nothing about (the last word typed always is one) at 0.5 % of the
// rows and walks the primary key for it, testing the whole table when the
// prefix matches nothing (2.5 s at a million messages). So a walk (for a
// query most records match) is written as a function call, which no index
// serves, and tests the records newest first through the primary key,
// stopping at the limit; an index or range listing compares id + 0, which
// the key cannot serve, so it always reads GIN. GIN returns a word's
// matches in no useful order, so an unbounded listing fetches every match
// from the heap before the newest can be picked: a word with a few
// thousand matches costs thousands of page visits. A range listing also
// asks for the recency buckets of IDs $4 to $2 - 1 (sb_buckets, folded to
// a constant when planned with the arguments), which GIN intersects with
// the words inside the index, so only that range's matches reach the heap.
func (*tsSearch) Matches(group string, how sqlstore.Listing) string {
	t := searchTables[group]
	switch how {
	case sqlstore.ListWalk:
		return `SELECT id FROM ` + t + ` WHERE ts_match_vq(search, to_tsquery('simple', $1)) AND id < $2 ORDER BY id DESC LIMIT $3`
	case sqlstore.ListRange:
		return `SELECT id FROM ` + t + ` WHERE search @@ (to_tsquery('simple', $1) && sb_buckets($4, $2, ` +
			strconv.Itoa(bucketShifts[group]) + `)) AND id + 0 < $2 AND id + 0 >= $4 ORDER BY id + 0 DESC LIMIT $3`
	}
	return `SELECT id FROM ` + t + ` WHERE search @@ to_tsquery('simple', $1) AND id + 0 < $2 ORDER BY id + 0 DESC LIMIT $3`
}

// Choose implements sqlstore.SearchSQL from the frequencies of the
// table's most common lexemes (see lexemeFreqs.choose).
func (s *tsSearch) Choose(ctx context.Context, db *sql.DB, group string, q search.Query, want int) (sqlstore.Listing, error) {
	return s.freqs.choose(ctx, db, searchTables[group], q, want)
}

// Span implements sqlstore.SearchSQL: one bucket of the group.
func (*tsSearch) Span(group string) int64 { return 1 << bucketShifts[group] }

// InIDs implements sqlstore.SearchSQL with an array argument.
func (*tsSearch) InIDs(col string, ids []int64) (string, any) { return col + ` = ANY(?)`, ids }

// Args implements sqlstore.SearchSQL: the query runs as an unnamed
// statement, planned with its arguments, never from pgx's statement cache,
// so that sb_buckets is folded to a constant tsquery and the plan sees the
// words (a cached generic plan walked the table for rare words: over
// 300 ms at a million messages). Walk or GIN is chosen by Matches' text.
func (*tsSearch) Args(args []any) []any { return append([]any{pgx.QueryExecModeExec}, args...) }

// Generation implements sqlstore.SearchSQL with the current snapshot
// (xmin:xmax:in-progress xids): two equal snapshots see exactly the same
// committed transactions, so nothing a search reads changed between them.
// It moves with any write transaction of the cluster, so it is exact
// across nodes, and conservative (another database's writes move it too).
func (*tsSearch) Generation(ctx context.Context, db *sql.DB) (string, error) {
	var g string
	err := db.QueryRowContext(ctx, `SELECT pg_current_snapshot()::text`).Scan(&g)
	return g, err
}

// Expr implements sqlstore.SearchSQL.
func (*tsSearch) Expr(q search.Query) string { return Expr(q) }

// GroupExpr implements sqlstore.SearchSQL: GIN matches a prefix as typed
// whatever its length.
func (*tsSearch) GroupExpr(_ context.Context, _ sqlstore.Querier, _ string, q search.Query) (string, error) {
	return Expr(q), nil
}

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

// searchIndexes are the GIN indexes of migration 010_search.
var searchIndexes = []struct{ name, table string }{
	{"messages_search", "messages"}, {"customers_search", "customers"}, {"conversations_search", "conversations"},
}

// Reindex recomputes the conversations' vectors (they copy their
// customer's terms), builds each GIN index anew (creating it if a bulk
// load dropped it) and refreshes the planner's statistics. The messages'
// and customers' vectors are generated columns, always in step with their
// text. Each index is swapped in its own transaction, during which its
// table is locked: run it when traffic is low.
func (*tsSearch) Reindex(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `UPDATE conversations SET topic = topic`); err != nil {
		return err
	}
	for _, ix := range searchIndexes {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '256MB'`)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DROP INDEX IF EXISTS `+ix.name)
		}
		if err == nil {
			// Migration 601_search_pending_list: a short pending list.
			_, err = tx.ExecContext(ctx, `CREATE INDEX `+ix.name+` ON `+ix.table+` USING gin (search) WITH (gin_pending_list_limit = 256)`)
		}
		if err == nil {
			err = tx.Commit()
		}
		if err != nil {
			tx.Rollback()
			return err
		}
	}
	_, err := db.ExecContext(ctx, `ANALYZE customers, conversations, messages`)
	return err
}
