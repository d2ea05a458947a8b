// Package backup makes and restores Switchboard backups: one archive
// (tar compressed with zstd) holding a consistent snapshot of the SQLite
// database, the files of the data folder and, when uploads live in an
// S3-compatible store, the list of their keys. Snapshots are taken online,
// while the server runs and writes.
package backup

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DBName is the SQLite file of a data folder (as cmd/switchboard opens it).
const DBName = "switchboard.db"

// snapshotSQLite writes a consistent copy of the database at src to dst
// with VACUUM INTO: one read transaction on its own connection, so it sees
// exactly the commits made before it started, never blocks the server's
// writer (WAL mode) and yields a compact file without a log.
func snapshotSQLite(ctx context.Context, src, dst string) error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+src+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("snapshot %s: %w", src, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check on the database file at path
// and returns an error unless SQLite answers "ok".
func IntegrityCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check of %s: %s", path, res)
	}
	return nil
}
