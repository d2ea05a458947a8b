package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/switchboard-cc/switchboard/internal/backup"
	"github.com/switchboard-cc/switchboard/internal/blob"
)

// backupFlags are serve's scheduled-backup flags.
func (c *Config) backupFlags(fs *flag.FlagSet) {
	fs.DurationVar(&c.BackupEvery, "backup-every", 0, "make a backup this often while serving (e.g. 24h; 0 = never; SQLite only)")
	fs.IntVar(&c.BackupKeep, "backup-keep", 7, "scheduled backups kept (the oldest beyond this are deleted)")
	fs.StringVar(&c.BackupTo, "backup-to", "", "folder or s3://bucket/prefix/ of scheduled backups (default DATA/backups)")
}

// s3Flags registers the S3-compatible store's flags on a command other
// than serve (same names and meaning).
func (c *Config) s3Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.S3.Endpoint, "s3-endpoint", "", "S3-compatible store, http(s)://host[:port]: of the uploaded files (with --s3-bucket) and of s3:// backup locations")
	fs.StringVar(&c.S3.Bucket, "s3-bucket", "", "bucket of the uploaded files, as given to serve (their keys are listed in the backup)")
	fs.StringVar(&c.S3.AccessKey, "s3-access-key", "", "S3 access key")
	fs.StringVar(&c.S3.SecretKey, "s3-secret-key", "", "S3 secret key; prefer SWITCHBOARD_S3_SECRET_KEY (never logged)")
	fs.StringVar(&c.S3.Region, "s3-region", "", "S3 region (empty: discovered)")
}

// backupSource is what a backup of the data folder copies: with an
// S3-compatible store of uploads, their keys instead of the files.
func backupSource(ctx context.Context, c *Config, exclude ...string) (backup.Source, error) {
	src := backup.Source{Data: c.Data, Version: version, Exclude: exclude}
	if c.S3.Enabled() && c.S3.Bucket != "" {
		s, err := blob.NewS3(ctx, c.S3, "attachments/")
		if err != nil {
			return src, err
		}
		src.S3Keys = map[string]func(context.Context) ([]string, error){"attachments": s.Keys}
	}
	return src, nil
}

const backupUsage = `usage: switchboard backup --to LOCATION [--data ./data] [--s3-* ...]

Writes a consistent snapshot of the SQLite database and the uploaded files
(or, with --s3-bucket, the list of their keys) to one archive (tar + zstd),
while the server keeps running. LOCATION is a file, a folder (ending in /)
or s3://bucket/prefix/[name] on --s3-endpoint. On PostgreSQL use pg_dump
(docs/operations.md).

`

// runBackup makes one backup now.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	var to string
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), backupUsage); fs.PrintDefaults() }
	c.storeFlags(fs)
	c.s3Flags(fs)
	fs.StringVar(&to, "to", "", "backup file, folder (ending in /) or s3://bucket/prefix/[name]")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if c.DB != "" {
		return fmt.Errorf("backup copies a SQLite data folder; for PostgreSQL use pg_dump (see docs/operations.md)")
	}
	if to == "" {
		fmt.Fprint(stderr, "backup: --to is required\n")
		return errUsage
	}
	t, name, err := backup.ParseLocation(ctx, to, c.S3)
	if err != nil {
		return err
	}
	src, err := backupSource(ctx, &c)
	if err != nil {
		return err
	}
	start := time.Now()
	name, m, err := backup.Make(ctx, src, t, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup %s written to %s: database and %d files (%d bytes) in %s\n",
		name, t, m.Files, m.Bytes, time.Since(start).Round(time.Millisecond))
	return nil
}

const restoreUsage = `usage: switchboard restore --from LOCATION --data EMPTY_FOLDER [--s3-* ...]

Unpacks a backup made by 'switchboard backup' (or a scheduled one) into an
empty data folder and checks the database's integrity; 'switchboard serve
--data EMPTY_FOLDER' then starts on it. LOCATION is a file or
s3://bucket/prefix/name on --s3-endpoint. Uploads kept in an S3-compatible
store stay there: serve with the same --s3-* flags.

`

// runRestore restores one backup into an empty data folder.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	var from string
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), restoreUsage); fs.PrintDefaults() }
	fs.StringVar(&c.Data, "data", "", "empty (or missing) data folder to restore into")
	c.s3Flags(fs)
	fs.StringVar(&from, "from", "", "backup file or s3://bucket/prefix/name")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if from == "" || c.Data == "" {
		fmt.Fprint(stderr, "restore: --from and --data are required\n")
		return errUsage
	}
	t, name, err := backup.ParseLocation(ctx, from, c.S3)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("restore: --from must name one backup, not a folder")
	}
	r, err := t.Open(ctx, name)
	if err != nil {
		return err
	}
	defer r.Close()
	m, err := backup.Restore(ctx, r, c.Data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored backup of %s (%d files) into %s\n", m.Created.Format(time.RFC3339), m.Files, c.Data)
	return nil
}

// startBackups runs serve's scheduled backups (--backup-every) until ctx
// ends; it returns a function waiting for the schedule to stop.
func startBackups(ctx context.Context, c *Config, logger *slog.Logger) (func(), error) {
	if c.BackupEvery <= 0 {
		return func() {}, nil
	}
	if c.DB != "" {
		return nil, fmt.Errorf("--backup-every backs up SQLite; for PostgreSQL schedule pg_dump (docs/operations.md)")
	}
	to := c.BackupTo
	var exclude []string
	if to == "" {
		to = filepath.Join(c.Data, "backups") + "/"
		exclude = []string{"backups"}
	}
	t, name, err := backup.ParseLocation(ctx, to, c.S3)
	if err != nil {
		return nil, fmt.Errorf("--backup-to: %w", err)
	}
	if name != "" {
		return nil, fmt.Errorf("--backup-to must be a folder or an s3:// prefix ending in /")
	}
	if rel, err := filepath.Rel(c.Data, t.String()); err == nil && filepath.IsLocal(rel) {
		exclude = append(exclude, rel) // backups inside the data folder are not backed up
	}
	src, err := backupSource(ctx, c, exclude...)
	if err != nil {
		return nil, err
	}
	s := &backup.Schedule{Every: c.BackupEvery, Keep: c.BackupKeep, Source: src, Target: t, Logger: logger}
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	logger.Info("scheduled backups", "every", c.BackupEvery.String(), "keep", c.BackupKeep, "target", t.String())
	return func() { <-done }, nil
}
