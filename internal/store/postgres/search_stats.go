package postgres

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// walkRowCost is what testing one record costs in a walk, in units of
// one posting GIN reads (measured on the benchmark data set: a walk of
// 12,400 messages took 44 ms, GIN reading 'still' & 'waiting':* with
// 313,000 postings 469 ms, on the same loaded machine).
const walkRowCost = 2.3

// statsTTL is how long a table's lexeme frequencies are used before they
// are read again.
const statsTTL = 5 * time.Minute

// lexemeStats are the frequencies of a table's most common lexemes, as
// ANALYZE sampled them (pg_stats.most_common_elems of its search column).
type lexemeStats struct {
	read time.Time
	rows float64 // the table's estimated row count (pg_class.reltuples)
	freq map[string]float64
}

// lexemeFreqs caches each table's lexemeStats.
type lexemeFreqs struct {
	mu     sync.Mutex
	tables map[string]*lexemeStats
}

// directRows bounds the matches a query may have to be listed by GIN in
// one query: GIN returns them in no useful order, so all of them are
// fetched from the table before the newest are picked.
const directRows = 2000

// choose returns how q's matches are listed (sqlstore.SearchSQL.Choose):
// a walk when walk says so, GIN in one query when direct says so, else GIN
// range by range.
func (l *lexemeFreqs) choose(ctx context.Context, db *sql.DB, table string, q search.Query, want int) (sqlstore.Listing, error) {
	if q.Phone != "" || len(q.Terms) == 0 {
		return sqlstore.ListRange, nil
	}
	if walk, err := l.walk(ctx, db, table, q, want); err != nil || walk {
		return sqlstore.ListWalk, err
	}
	st, err := l.stats(ctx, db, table)
	if err != nil {
		return sqlstore.ListRange, err
	} else if st.direct(q) {
		return sqlstore.ListIndex, nil
	}
	return sqlstore.ListRange, nil
}

// direct reports whether GIN lists all of q's matches cheaply in one
// query: no prefix term starts a common lexeme (GIN gathers every posting
// of a prefix before intersecting), and at most directRows records match,
// a term missing from the common lexemes counting at the least common
// one's frequency (an upper bound: ANALYZE keeps every lexeme above it).
// A rare word then costs one query instead of a query per ID range
// (sqlstore.groupSearch.matchIDs), each planned anew. Without statistics
// (a table never analysed) nothing is known: false.
func (st *lexemeStats) direct(q search.Query) bool {
	if len(st.freq) == 0 {
		return false
	}
	least := 1.0
	for _, f := range st.freq {
		least = min(least, f)
	}
	est := 1.0
	for _, t := range q.Terms {
		f := st.freq[t.Text]
		if t.Prefix {
			f = 0
			for w, wf := range st.freq {
				if strings.HasPrefix(w, t.Text) {
					f += wf
				}
			}
			if f > 0 {
				return false
			}
		}
		if f == 0 {
			f = least
		}
		est = min(est, f)
	}
	return est*st.rows <= directRows
}

// walk reports whether testing the table's newest records one by one
// finds want matches of q sooner than GIN lists them. A walk tests about
// want / share records, share being the part of the records q matches:
// each term's frequency (a prefix's is the sum of the common lexemes it
// starts), multiplied over the terms, which the seeded and real texts use
// about independently. GIN reads every posting of every term, whatever
// the result: a prefix's are all gathered before anything is intersected,
// and a common word has hundreds of thousands. A term missing from the
// common lexemes is rare, and so is a phone number: GIN. The planner's
// own choice is not used because it estimates a prefix it has no
// statistics for (the last word typed always is one) at 0.5 % of the rows,
// and then walks the whole table when the prefix matches nothing.
func (l *lexemeFreqs) walk(ctx context.Context, db *sql.DB, table string, q search.Query, want int) (bool, error) {
	if q.Phone != "" || len(q.Terms) == 0 {
		return false, nil
	}
	st, err := l.stats(ctx, db, table)
	if err != nil {
		return false, err
	}
	share, postings := st.share(q)
	return share > 0 && float64(want)/share*walkRowCost < postings*st.rows, nil
}

// share returns the part of the records q matches and the sum of its
// terms' frequencies (GIN's postings per record).
func (st *lexemeStats) share(q search.Query) (share, postings float64) {
	share = 1.0
	for _, t := range q.Terms {
		f := st.freq[t.Text]
		if t.Prefix {
			f = 0
			for w, wf := range st.freq {
				if strings.HasPrefix(w, t.Text) {
					f += wf
				}
			}
		}
		share *= min(f, 1)
		postings += f
	}
	return share, postings
}

// stats returns the table's lexeme frequencies, read anew after statsTTL.
// Only one search reads them at a time; the others wait for it.
func (l *lexemeFreqs) stats(ctx context.Context, db *sql.DB, table string) (*lexemeStats, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st := l.tables[table]; st != nil && time.Since(st.read) < statsTTL {
		return st, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT u.e, u.f FROM pg_stats s,
		unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f)
		WHERE s.schemaname = current_schema() AND s.tablename = $1 AND s.attname = 'search' AND u.e IS NOT NULL`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := &lexemeStats{read: time.Now(), freq: map[string]float64{}}
	if err := db.QueryRowContext(ctx, `SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = $1::regclass`, table).Scan(&st.rows); err != nil {
		return nil, err
	}
	for rows.Next() {
		var e string
		var f float64
		if err := rows.Scan(&e, &f); err != nil {
			return nil, err
		}
		st.freq[e] = f
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if l.tables == nil {
		l.tables = map[string]*lexemeStats{}
	}
	l.tables[table] = st
	return st, nil
}
