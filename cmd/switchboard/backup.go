package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/switchboard-cc/switchboard/internal/app"
	"github.com/switchboard-cc/switchboard/internal/backup"
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
	c.Version = version
	src, err := app.BackupSource(ctx, &c.Config)
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
