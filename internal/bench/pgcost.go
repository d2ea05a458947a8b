package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"
)

// PGCost is what PostgreSQL spent for one benchmark server up to a moment:
// its backends' CPU, the database's transactions and, where the server
// loads pg_stat_statements, the statements run in the database.
type PGCost struct {
	CPU        time.Duration
	Xacts      int64
	Statements int64 // -1 when pg_stat_statements is not loaded
}

// PostgresCost returns a func that reads PGCost for the backends named
// name (application_name, set in the server's connection URL) in db's
// current database, so another session's work on the same PostgreSQL is
// left out as long as it uses another database. Transactions come from
// pg_stat_database, which a backend updates within a second of its
// work; over a run of several seconds that lag is small.
func PostgresCost(ctx context.Context, db *sql.DB, name string) func() PGCost {
	cpu := PostgresCPU(ctx, db, name)
	return func() PGCost {
		c := PGCost{CPU: cpu(), Statements: -1}
		_ = db.QueryRowContext(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&c.Xacts)
		var n sql.NullInt64
		if db.QueryRowContext(ctx, `SELECT sum(calls)::bigint FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n) == nil && n.Valid {
			c.Statements = n.Int64
		}
		return c
	}
}

// Sub is the cost between two readings.
func (c PGCost) Sub(o PGCost) PGCost {
	d := PGCost{CPU: c.CPU - o.CPU, Xacts: c.Xacts - o.Xacts, Statements: -1}
	if c.Statements >= 0 && o.Statements >= 0 {
		d.Statements = c.Statements - o.Statements
	}
	return d
}

// Fprint writes the cost per operation (what, e.g. "message").
func (c PGCost) Fprint(w io.Writer, ops int, what string) {
	if ops <= 0 {
		return
	}
	n := float64(ops)
	fmt.Fprintf(w, "postgres: %.3f ms CPU (its backends), %.2f transactions", float64(c.CPU)/n/float64(time.Millisecond), float64(c.Xacts)/n)
	if c.Statements >= 0 {
		fmt.Fprintf(w, ", %.2f statements", float64(c.Statements)/n)
	}
	fmt.Fprintf(w, " per %s\n", what)
}
