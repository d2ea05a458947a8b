package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// ftsSearch queries the FTS5 external-content indexes of migration
// 010_search (messages_fts, conversations_fts, customers_fts). Joining from
// the index and ordering by its rowid lets FTS5 walk its matches newest
// first and stop at the window.
type ftsSearch struct {
	// gen is a pool of one connection that only reads PRAGMA
	// data_version (see Generation); conn is that connection while held,
	// stmt the pragma prepared on it once (every cached read asks), and
	// serial counts the connections held.
	gen    *sql.DB
	mu     sync.Mutex
	conn   *sql.Conn
	stmt   *sql.Stmt
	serial int
	// probes caches GroupExpr's counts (see probeTTL).
	probes probeCache
}

// probeTTL is how long a long prefix's probe is reused, probeCap how many
// are kept. Either expression matches the same records once filtered by
// the exact query, so a stale answer costs time, never results; names and
// words typed again (every keystroke of a search box) skip the count.
const (
	probeTTL = 5 * time.Minute
	probeCap = 4096
)

// probeCache holds whether a group's long prefix was cut, and when.
type probeCache struct {
	mu sync.Mutex
	m  map[string]probe
}

type probe struct {
	cut bool
	at  time.Time
}

func (c *probeCache) get(key string) (cut, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[key]
	if !ok || time.Since(p.at) > probeTTL {
		return false, false
	}
	return p.cut, true
}

func (c *probeCache) put(key string, cut bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= probeCap {
		c.m = map[string]probe{}
	}
	c.m[key] = probe{cut: cut, at: time.Now()}
}

// Generation implements sqlstore.SearchSQL with PRAGMA data_version on a
// connection held for it: its value changes whenever another connection
// (the writer, or another process) commits, and this connection never
// writes. Values of different connections are not comparable, so the
// generation names the connection too.
func (f *ftsSearch) Generation(ctx context.Context, _ *sql.DB) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gen == nil {
		return "", nil
	}
	if f.conn == nil {
		c, err := f.gen.Conn(context.Background())
		if err != nil {
			return "", err
		}
		st, err := c.PrepareContext(context.Background(), `PRAGMA data_version`)
		if err != nil {
			c.Close()
			return "", err
		}
		f.conn, f.stmt, f.serial = c, st, f.serial+1
	}
	// Without ctx's cancellation: the pragma never waits, and watching
	// the context cost two goroutines a read, under f.mu, on every cached
	// read (issue 22).
	var v int64
	if err := f.stmt.QueryRowContext(context.WithoutCancel(ctx)).Scan(&v); err != nil {
		f.stmt.Close()
		f.conn.Close()
		f.conn, f.stmt = nil, nil
		return "", err
	}
	return strconv.Itoa(f.serial) + ":" + strconv.FormatInt(v, 10), nil
}

// close releases the generation's connection and pool.
func (f *ftsSearch) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn != nil {
		f.stmt.Close()
		f.conn.Close()
		f.conn, f.stmt = nil, nil
	}
	if f.gen != nil {
		f.gen.Close()
	}
}

// ftsTables names each group's index.
var ftsTables = map[string]string{
	desk.SearchMessages: "messages_fts", desk.SearchConversations: "conversations_fts", desk.SearchCustomers: "customers_fts",
}

// Matches implements sqlstore.SearchSQL: FTS5 walks its matches by rowid
// newest first and stops at the limit, so every listing is one query on it.
func (*ftsSearch) Matches(group string, how sqlstore.Listing) string {
	t := ftsTables[group]
	if how == sqlstore.ListRange {
		return `SELECT rowid FROM ` + t + ` WHERE ` + t + ` MATCH $1 AND rowid < $2 AND rowid >= $4 ORDER BY rowid DESC LIMIT $3`
	}
	return `SELECT rowid FROM ` + t + ` WHERE ` + t + ` MATCH $1 AND rowid < $2 ORDER BY rowid DESC LIMIT $3`
}

// Span implements sqlstore.SearchSQL: FTS5 needs no ranges.
func (*ftsSearch) Span(string) int64 { return 0 }

// Choose implements sqlstore.SearchSQL; never asked, as Span is 0.
func (*ftsSearch) Choose(context.Context, *sql.DB, string, search.Query, int) (sqlstore.Listing, error) {
	return sqlstore.ListIndex, nil
}

// InIDs implements sqlstore.SearchSQL with a JSON array, one argument
// whatever the number of IDs, so the statement stays prepared.
func (*ftsSearch) InIDs(col string, ids []int64) (string, any) {
	b, _ := json.Marshal(ids)
	return col + ` IN (SELECT value FROM json_each(?))`, string(b)
}

// Expr writes q as an FTS5 expression: every word a quoted string (so
// nothing the user typed is syntax), prefix words with *, all of them
// required; a phone number's digits as an alternative prefix.
func (*ftsSearch) Expr(q search.Query) string {
	return Expr(q)
}

// Expr is ftsSearch.Expr, exported for tests of its safety.
func Expr(q search.Query) string { return expr(q, true) }

// ftsVocabs names each group's vocabulary (migration 440_search_vocab).
var ftsVocabs = map[string]string{
	desk.SearchMessages: "messages_fts_vocab", desk.SearchConversations: "conversations_fts_vocab", desk.SearchCustomers: "customers_fts_vocab",
}

// exactPrefixPostings bounds the postings of a prefix longer than
// maxPrefix that FTS5 is asked for as typed. FTS5 merges every posting of
// every word with an uncovered prefix before it returns the first match,
// which is cheap for a few hundred ("quabrizenjin" has 16 at a million
// messages) and costs tens of milliseconds for a common word ("deliver":
// 300,000); the prefix cut to maxPrefix is read newest first and stopped
// at the window, but can match far more than typed ("quabri": 2,031), all
// read from the table and dropped by the exact match. Counting up to the
// bound costs what the bound allows (11 % of a search's collection at 2,000
// in a profile at 10⁶ messages).
const exactPrefixPostings = 500

// GroupExpr implements sqlstore.SearchSQL. A last word longer than the
// prefix indexes cover is asked as typed when the group's vocabulary lists
// at most exactPrefixPostings postings of it (counted up to that bound, one
// by one: the count costs what the bound allows), else cut (Expr).
func (f *ftsSearch) GroupExpr(ctx context.Context, db sqlstore.Querier, group string, q search.Query) (string, error) {
	n := len(q.Terms)
	if n == 0 || !q.Terms[n-1].Prefix || utf8.RuneCountInString(q.Terms[n-1].Text) <= maxPrefix {
		return expr(q, true), nil
	}
	t := q.Terms[n-1].Text
	key := group + "\x00" + t
	if cut, ok := f.probes.get(key); ok {
		return expr(q, cut), nil
	}
	var c int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+ftsVocabs[group]+
		` WHERE term >= $1 AND term < $2 LIMIT $3)`, t, t+"\U0010FFFF", exactPrefixPostings+1).Scan(&c)
	if err != nil {
		return "", err
	}
	f.probes.put(key, c > exactPrefixPostings)
	return expr(q, c > exactPrefixPostings), nil
}

// expr writes q as an FTS5 expression, prefixes cut to maxPrefix if cut.
func expr(q search.Query, cut bool) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	terms := make([]string, 0, len(q.Terms))
	for _, t := range q.Terms {
		e := quote(t.Text)
		if t.Prefix && cut {
			e = quote(prefixKey(t.Text)) + "*"
		} else if t.Prefix {
			e += "*"
		}
		terms = append(terms, e)
	}
	all := strings.Join(terms, " AND ")
	switch {
	case q.Phone == "":
		return all
	case all == "":
		return quote(q.Phone) + "*"
	}
	return "(" + quote(q.Phone) + "*) OR (" + all + ")"
}

// maxPrefix is the longest prefix index of the FTS5 tables (prefix='2 3 4
// 5 6' in migration 010_search). A prefix query that no prefix
// index covers makes FTS5 merge the whole doclists of every word with that
// prefix, which on a common word costs hundreds of milliseconds at a
// million messages; a covered one reads one doclist newest first and stops
// at the window.
const maxPrefix = 6

// prefixKey cuts a prefix term to maxPrefix characters so that an index
// covers it. The match is then wider than typed ("deliver" matches
// "delive..."); the store filters candidates with the exact query.
func prefixKey(t string) string {
	r := []rune(t)
	if len(r) > maxPrefix {
		return string(r[:maxPrefix])
	}
	return t
}

// Args implements sqlstore.SearchSQL: SQLite plans FTS5 queries the same
// way whatever the words, so statements stay prepared.
func (*ftsSearch) Args(args []any) []any { return args }

// Reindex rebuilds the three indexes from their content tables and merges
// their segments.
func (*ftsSearch) Reindex(ctx context.Context, db *sql.DB) error {
	for _, t := range []string{"messages_fts", "customers_fts", "conversations_fts"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO `+t+`(`+t+`) VALUES ('rebuild')`); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO `+t+`(`+t+`) VALUES ('optimize')`); err != nil {
			return err
		}
	}
	// Everything is indexed now (see migrations 070, 310).
	for _, t := range []string{"messages", "customers", "conversations"} {
		if _, err := db.ExecContext(ctx, `UPDATE `+t+`_fts_mark SET last_id = (SELECT COALESCE(MAX(id), 0) FROM `+t+`)`); err != nil {
			return err
		}
	}
	return nil
}
