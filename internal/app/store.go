package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// OpenStore opens PostgreSQL when --db is a postgres URL, else SQLite in the
// data folder (created if missing), for commands that act on the store
// alone: it tells no one of its changes. Migrations run on open. Both are
// the same SQL store: its capabilities are known at compile time.
func OpenStore(ctx context.Context, c *Config) (*sqlstore.Store, error) {
	return openStore(ctx, c, sqlstore.Options{})
}

// openStore is OpenStore with the store's options (New's).
func openStore(ctx context.Context, c *Config, opts sqlstore.Options) (*sqlstore.Store, error) {
	if c.DB != "" {
		if !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
			return nil, fmt.Errorf("--db must be a postgres:// URL")
		}
		return postgres.OpenWith(ctx, c.DB, desk.SystemClock{}, opts)
	}
	if err := os.MkdirAll(c.Data, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return sqlite.OpenWith(ctx, filepath.Join(c.Data, "switchboard.db"), desk.SystemClock{}, opts)
}

// StoreKind names the store c selects, for logs.
func StoreKind(c *Config) string {
	if c.DB != "" {
		return "postgres"
	}
	return "sqlite"
}
