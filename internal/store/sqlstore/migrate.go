package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
)

// Migrate applies the numbered *.sql files of dir in fsys that are not yet
// recorded in schema_migrations, each as one script in its own transaction. lock, if not
// empty, is run first in each transaction (PostgreSQL passes an advisory
// lock so several nodes starting at once migrate one at a time).
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS, lock string) error {
	if err := createMigrationsTable(ctx, db, lock); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateOne(ctx, db, fsys, name, lock); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// createMigrationsTable creates the bookkeeping table under the lock, since
// concurrent CREATE TABLE IF NOT EXISTS can collide on PostgreSQL.
func createMigrationsTable(ctx context.Context, db *sql.DB, lock string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	return tx.Commit()
}

func migrateOne(ctx context.Context, db *sql.DB, fsys fs.FS, name, lock string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	// The file is one script: each driver runs every statement of it
	// (SQLite's exec steps through them; pgx sends a query without
	// arguments over the simple protocol, which allows several), so no
	// statement splitter second-guesses triggers, functions or strings.
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
		return err
	}
	return tx.Commit()
}
