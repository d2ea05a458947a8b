// Package postgres is Switchboard's scale-out store: PostgreSQL through
// pgx's database/sql driver, over the shared SQL of package sqlstore.
// Several server processes may share one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock serializes migrations of nodes starting at once; the lock
// is released when the migration's transaction ends.
const migrationLock = `SELECT pg_advisory_xact_lock(7272727272)`

// Open connects to url, runs the migrations and returns the store with the
// zero Options (tools, tests).
func Open(ctx context.Context, url string, clock desk.Clock) (*sqlstore.Store, error) {
	return OpenWith(ctx, url, clock, sqlstore.Options{})
}

// OpenWith is Open with the store's options: what it tells as it commits
// (see sqlstore.Options).
func OpenWith(ctx context.Context, url string, clock desk.Clock, opts sqlstore.Options) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	if err := sqlstore.Migrate(ctx, db, sub, migrationLock); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	stats := startStatsKeeper(db)
	s, err := sqlstore.New(ctx, db, db, sqlstore.Dialect{Name: "postgres",
		IsUniqueViolation: isUniqueViolation, IsTransient: isTransient, IngestLanes: ingestLanes, RowLocks: true, WritableCTE: true, Arrays: true, PendingMinute: true,
		LockQueue: `SELECT pg_advisory_xact_lock(1936942445, ($1 % 2147483647)::int)`, Search: &tsSearch{}, Close: stats.close}, clock, opts)
	if err != nil {
		stats.close()
		db.Close()
		return nil, err
	}
	return s, nil
}

// ingestLanes is how many transactions ingest inbound messages in parallel,
// each committing whatever queued while the previous commit ran.
const ingestLanes = 8

// isTransient reports a deadlock or serialization failure: the transaction
// met another and may be run again.
func isTransient(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
