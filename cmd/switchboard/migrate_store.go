package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/migratestore"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

const migrateStoreUsage = `usage: switchboard migrate-store --from ./data --to postgres://... [--s3-* ...]

Copies a SQLite installation (stop its server first, or copy a restored
backup) into an empty PostgreSQL database: every table with the same IDs,
the sequences past them, the search indexes rebuilt; then verifies the row
count and checksum of every table. Interrupted, run it again: it resumes
after the last committed batch. With --s3-endpoint and --s3-bucket the
uploads of the data folder are copied to that bucket, for nodes sharing it.
Then: switchboard serve --db postgres://... (and the same --s3-* flags, or
--data on the same folder for its uploads and recordings).

`

// runMigrateStore copies a SQLite data folder into PostgreSQL.
func runMigrateStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	var from, to string
	var batch int
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), migrateStoreUsage); fs.PrintDefaults() }
	fs.StringVar(&from, "from", "./data", "data folder of the SQLite installation")
	fs.StringVar(&to, "to", "", "PostgreSQL URL of an empty database (postgres://...)")
	fs.IntVar(&batch, "batch", 5000, "rows per committed step")
	c.s3Flags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !strings.HasPrefix(to, "postgres://") && !strings.HasPrefix(to, "postgresql://") {
		fmt.Fprint(stderr, "migrate-store: --to must be a postgres:// URL\n")
		return errUsage
	}
	dbPath := filepath.Join(from, "switchboard.db")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	start := time.Now()
	// Opening the SQLite store brings its schema up to this version's.
	ss, err := sqlite.Open(ctx, dbPath, desk.SystemClock{})
	if err != nil {
		return err
	}
	ss.Close()
	src, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer src.Close()
	// Opening the PostgreSQL store makes its schema.
	ps, err := postgres.Open(ctx, to, desk.SystemClock{})
	if err != nil {
		return err
	}
	defer ps.Close()
	conn, err := pgx.Connect(ctx, to)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))

	cp := &migratestore.Copier{Src: src, Dst: conn, Batch: batch}
	rep, err := cp.Run(ctx)
	if rep != nil {
		for _, t := range rep.Tables {
			fmt.Fprintf(stdout, "%-28s %10d rows  checksum %s\n", t.Table, t.Rows, t.Checksum)
		}
	}
	if err != nil {
		return fmt.Errorf("migrate-store: %w (run it again to resume)", err)
	}
	fmt.Fprintf(stdout, "copied in %s, verified in %s\n", rep.Copy.Round(time.Millisecond), rep.Verify.Round(time.Millisecond))
	if rep.Resumed {
		fmt.Fprintln(stdout, "resumed an interrupted copy")
	}
	rstart := time.Now()
	if err := ps.ReindexSearch(desk.NewContextWithActor(ctx, desk.SystemActor)); err != nil {
		return fmt.Errorf("rebuild search indexes: %w", err)
	}
	fmt.Fprintf(stdout, "search indexes rebuilt in %s\n", time.Since(rstart).Round(time.Millisecond))

	disk, err := blob.NewDisk(filepath.Join(from, "attachments"))
	if err != nil {
		return err
	}
	var dst desk.BlobStore
	if c.S3.Enabled() {
		s3, err := blob.NewS3(ctx, c.S3, "attachments/")
		if err != nil {
			return err
		}
		dst = s3
	}
	frep, err := migratestore.Files(ctx, src, disk, dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "files: %d referenced, %d copied to the S3 store, %d missing from %s\n",
		frep.Referenced, frep.Copied, len(frep.Missing), filepath.Join(from, "attachments"))
	took := time.Since(start)
	fmt.Fprintf(stdout, "copied and verified %d rows (%.1f MB) into %s in %s: %.1f MB/s\n",
		rep.Rows, float64(rep.Bytes)/1e6, redactURL(to), took.Round(time.Millisecond), float64(rep.Bytes)/1e6/took.Seconds())
	return nil
}

// redactURL drops the password of a database URL for printing.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(database)"
	}
	return u.Redacted()
}
