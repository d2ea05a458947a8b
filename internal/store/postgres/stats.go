package postgres

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgreSQL plans a prepared statement (pgx prepares every statement on
// each connection) from the tables' statistics when it is first run, and
// keeps that plan until the statistics change. A table analyzed while
// nearly empty — every new database: migration 090 analyzes messages,
// customers and conversations — is planned with sequential scans, and
// without autovacuum (off on some servers, this project's benchmark
// server among them) the plan stays while the table grows: issue 22's
// ingest benchmark read every stored message for every new one (the
// repeat check of qIngestFindCustomer), and the foreign-key checks and
// row-version triggers scanned conversations. statsKeeper analyzes the
// schema's small tables that have grown to twice the rows they held at
// their last analysis (updates do not count: a busy conversations table
// of a steady size would otherwise be analyzed, and every plan over it
// made again, at each look); ANALYZE makes the cached plans be made again.
// Beyond analyzeBelow rows the planner scales the last statistics with the
// table's size, so an index that won stays chosen and no analysis is
// needed; where autovacuum runs, it analyzes first and this finds nothing.
type statsKeeper struct {
	db   *sql.DB
	stop chan struct{}
	done sync.WaitGroup
}

// analyzeEvery is how often the keeper looks; analyzeBelow the size
// (rows at the last analysis) past which it leaves a table alone.
const (
	analyzeEvery = 2 * time.Second
	analyzeBelow = 100000
)

func startStatsKeeper(db *sql.DB) *statsKeeper {
	k := &statsKeeper{db: db, stop: make(chan struct{})}
	k.done.Add(1)
	go k.run()
	return k
}

func (k *statsKeeper) run() {
	defer k.done.Done()
	t := time.NewTicker(analyzeEvery)
	defer t.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_, _ = analyzeGrown(ctx, k.db) // best effort: the next look tries again
			cancel()
		}
	}
}

// close stops the keeper and waits for an analysis under way.
func (k *statsKeeper) close() {
	close(k.stop)
	k.done.Wait()
}

// analyzeGrown analyzes the tables of the current schema that hold more
// than twice the rows counted at their last analysis (and over 100),
// while that count is under analyzeBelow, and returns their names.
func analyzeGrown(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
		WHERE s.schemaname = current_schema() AND c.reltuples < $1
		AND s.n_live_tup > greatest(100, 2 * c.reltuples) ORDER BY s.relname`, analyzeBelow)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `ANALYZE `+pgx.Identifier{n}.Sanitize()); err != nil {
			return names, err
		}
	}
	return names, nil
}
