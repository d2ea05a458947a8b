package postgres

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/search"
)

// commonShare is the share of a group's records a query must match to be
// listed by testing the newest records one by one: at 4 % a window of 250
// matches is found within about 6,000 records, fewer pages than GIN's
// matches of a range of buckets would visit.
const commonShare = 0.04

// statsTTL is how long a table's lexeme frequencies are used before they
// are read again.
const statsTTL = 5 * time.Minute

// lexemeStats are the frequencies of a table's most common lexemes, as
// ANALYZE sampled them (pg_stats.most_common_elems of its search column).
type lexemeStats struct {
	read time.Time
	freq map[string]float64
}

// lexemeFreqs caches each table's lexemeStats.
type lexemeFreqs struct {
	mu     sync.Mutex
	tables map[string]*lexemeStats
}

// share estimates the share of the table's records that q matches: each
// term's frequency (a prefix's is the sum of the common lexemes it starts),
// multiplied over the terms, which the seeded and real texts use about
// independently. A term missing from the common lexemes is rare (0), and
// so is a phone number. The planner's own estimate is not used because it
// is poor for prefixes, and the last word typed is always one: it divides
// the matched lexemes' frequency by that of all common lexemes, so `pay:*`
// matching a third of the messages is planned as if it matched 2 %.
func (l *lexemeFreqs) share(ctx context.Context, db *sql.DB, table string, q search.Query) (float64, error) {
	if q.Phone != "" || len(q.Terms) == 0 {
		return 0, nil
	}
	st, err := l.stats(ctx, db, table)
	if err != nil {
		return 0, err
	}
	share := 1.0
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
	}
	return share, nil
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
