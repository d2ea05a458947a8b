package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/switchboard-cc/switchboard/internal/backup"
	"github.com/switchboard-cc/switchboard/internal/blob"
)

// BackupSource is what a backup of the data folder copies: with an
// S3-compatible store of uploads, their keys instead of the files.
func BackupSource(ctx context.Context, c *Config, exclude ...string) (backup.Source, error) {
	src := backup.Source{Data: c.Data, Version: c.Version, Exclude: exclude}
	if c.S3.Enabled() && c.S3.Bucket != "" {
		s, err := blob.NewS3(ctx, c.S3, "attachments/")
		if err != nil {
			return src, err
		}
		src.S3Keys = map[string]func(context.Context) ([]string, error){"attachments": s.Keys}
	}
	return src, nil
}

// newBackups is serve's schedule of backups (--backup-every), nil when
// off.
func newBackups(ctx context.Context, c *Config, logger *slog.Logger) (*backup.Schedule, error) {
	if c.BackupEvery <= 0 {
		return nil, nil
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
	src, err := BackupSource(ctx, c, exclude...)
	if err != nil {
		return nil, err
	}
	logger.Info("scheduled backups", "every", c.BackupEvery.String(), "keep", c.BackupKeep, "target", t.String())
	return &backup.Schedule{Every: c.BackupEvery, Keep: c.BackupKeep, Source: src, Target: t, Logger: logger}, nil
}
