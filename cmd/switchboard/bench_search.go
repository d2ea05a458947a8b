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
	"runtime"

	"github.com/switchboard-cc/switchboard/internal/bench"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// benchSearchSchema is the PostgreSQL schema the search benchmark fills;
// it is dropped and created anew on each run so that --db can point at a
// database in use without touching its data.
const benchSearchSchema = "sb_bench_search"

// runBenchSearch seeds a fresh store with the search data set and measures
// search latency (issue 7): SQLite in a new file under --data (default a
// temporary folder, removed afterwards) or PostgreSQL in its own schema of
// --db.
func runBenchSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.SearchConfig{Dialect: "sqlite", Queues: 10, AgentQueues: 3}
	var db, data string
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL (the benchmark uses its own schema "+benchSearchSchema+")")
	fs.StringVar(&data, "data", "", "folder for the SQLite file (default: a temporary folder, removed after)")
	fs.IntVar(&cfg.Seed.Messages, "messages", 1000000, "messages to seed")
	fs.IntVar(&cfg.Seed.Conversations, "conversations", 200000, "conversations to seed")
	fs.IntVar(&cfg.Seed.Customers, "customers", 100000, "customers to seed")
	fs.IntVar(&cfg.Queries, "queries", 2000, "searches to measure")
	fs.IntVar(&cfg.Limit, "limit", 20, "page size of each result group")
	fs.BoolVar(&cfg.Reuse, "reuse", false, "measure queries on the data set of an earlier run (--data or --db), skipping seeding")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg.Seed.Seed = 7
	var store *sqlstore.Store
	var err error
	if db != "" {
		cfg.Dialect = "postgres"
		u, err := benchSchemaURL(ctx, db, !cfg.Reuse)
		if err != nil {
			return err
		}
		store, err = postgres.Open(ctx, u, desk.SystemClock{})
		if err != nil {
			return err
		}
	} else {
		if data == "" && cfg.Reuse {
			return fmt.Errorf("--reuse needs --data (or --db)")
		} else if data == "" {
			if data, err = os.MkdirTemp("", "switchboard-bench-search-"); err != nil {
				return err
			}
			defer os.RemoveAll(data)
		}
		path := filepath.Join(data, "search-bench.db")
		if !cfg.Reuse {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if store, err = sqlite.Open(ctx, path, desk.SystemClock{}); err != nil {
			return err
		}
	}
	defer store.Close()
	fmt.Fprintf(stdout, "bench search: %s, GOMAXPROCS %d, %s/%s\n", cfg.Dialect, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	return bench.Search(ctx, store, store.DB(), cfg, stdout)
}

// benchSchemaURL creates the benchmark's schema in the database of dbURL
// (anew when fresh, else keeping an earlier run's data) and returns a URL
// whose connections use it.
func benchSchemaURL(ctx context.Context, dbURL string, fresh bool) (string, error) {
	return benchSchemaURLFor(ctx, dbURL, benchSearchSchema, fresh)
}

// benchSchemaURLFor is benchSchemaURL for a benchmark's own schema.
func benchSchemaURLFor(ctx context.Context, dbURL, schema string, fresh bool) (string, error) {
	admin, err := sql.Open("pgx", dbURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if fresh {
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			return "", fmt.Errorf("postgres: %w", err)
		}
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
