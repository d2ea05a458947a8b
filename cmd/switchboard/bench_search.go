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
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
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
	var db, data, schema string
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL (the benchmark uses its own schema, --schema)")
	fs.StringVar(&schema, "schema", benchSearchSchema, "PostgreSQL schema the benchmark fills (dropped and created anew unless --reuse)")
	fs.StringVar(&data, "data", "", "folder for the SQLite file (default: a temporary folder, removed after)")
	fs.IntVar(&cfg.Seed.Messages, "messages", 1000000, "messages to seed")
	fs.IntVar(&cfg.Seed.Conversations, "conversations", 200000, "conversations to seed")
	fs.IntVar(&cfg.Seed.Customers, "customers", 100000, "customers to seed")
	fs.IntVar(&cfg.Queries, "queries", 2000, "searches to measure")
	fs.IntVar(&cfg.Limit, "limit", 20, "page size of each result group")
	fs.BoolVar(&cfg.Reuse, "reuse", false, "measure queries on the data set of an earlier run (--data or --db), skipping seeding")
	var httpLoad bool
	var conns string
	hcfg := bench.SearchHTTPConfig{}
	fs.BoolVar(&httpLoad, "http", false, "then start a server on the data set and load GET /api/v1/search per kind, beside /healthz")
	fs.StringVar(&conns, "conns", "8,32", "concurrency levels of --http, comma-separated")
	fs.DurationVar(&hcfg.Duration, "duration", 3*time.Second, "how long --http loads each kind at each concurrency")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the measured queries in process to this file, each sample labelled with its kind (pprof -tagfocus kind=rare)")
	var serverBin string
	fs.StringVar(&serverBin, "server-bin", "", "switchboard binary --http runs as the server (default: this one), to compare builds under one load generator")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg.Seed.Seed = 7
	for _, c := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			return fmt.Errorf("--conns: %q is not a positive number", c)
		}
		hcfg.Conns = append(hcfg.Conns, n)
	}
	var store *sqlstore.Store
	var err error
	var serverArgs []string
	if db != "" {
		cfg.Dialect = "postgres"
		u, err := benchSchemaURL(ctx, db, schema, !cfg.Reuse)
		if err != nil {
			return err
		}
		store, err = postgres.Open(ctx, u, desk.SystemClock{})
		if err != nil {
			return err
		}
		serverArgs = []string{"--db", u}
	} else {
		if data == "" && cfg.Reuse {
			return fmt.Errorf("--reuse needs --data (or --db)")
		} else if data == "" {
			if data, err = os.MkdirTemp("", "switchboard-bench-search-"); err != nil {
				return err
			}
			defer os.RemoveAll(data)
		}
		path := filepath.Join(data, "switchboard.db")
		serverArgs = []string{"--data", data}
		if !cfg.Reuse {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if store, err = sqlite.Open(ctx, path, desk.SystemClock{}); err != nil {
			return err
		}
	}
	closed := false
	defer func() {
		if !closed {
			store.Close()
		}
	}()
	fmt.Fprintf(stdout, "bench search: %s, GOMAXPROCS %d, %s/%s\n", cfg.Dialect, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	info, err := bench.Search(ctx, store, store.DB(), cfg, stdout)
	if err != nil || !httpLoad {
		return err
	}
	// Over HTTP: the bench agent gets a password, the store is closed and
	// a server child process opens the same data set.
	hash, err := auth.HashPassword(benchSearchPassword)
	if err != nil {
		return err
	}
	if _, err := store.DB().ExecContext(ctx, `UPDATE agents SET password_hash = $1 WHERE email = $2`, hash, bench.BenchAgentEmail); err != nil {
		return err
	}
	closed = true
	store.Close()
	bin := serverBin
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return err
		}
	}
	srv, err := bench.StartServer(ctx, bin, serverArgs...)
	if err != nil {
		return err
	}
	defer srv.Stop()
	hcfg.URL, hcfg.Limit, hcfg.CPU = srv.URL, cfg.Limit, srv.CPU
	if hcfg.Token, err = bench.Login(ctx, srv.URL, bench.BenchAgentEmail, benchSearchPassword); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "load average before: %s\n", loadAverage())
	err = bench.SearchHTTP(ctx, info, hcfg, stdout)
	if rss, rerr := srv.RSS(); rerr == nil {
		fmt.Fprintf(stdout, "server RSS %.0f MB; load average after: %s\n", float64(rss)/1e6, loadAverage())
	}
	return err
}

// benchSearchPassword is the bench agent's password for --http.
const benchSearchPassword = "search-bench-password"

// loadAverage is /proc/loadavg's first three fields, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// benchSchemaURL creates a benchmark's schema in the database of dbURL
// (anew when fresh, else keeping an earlier run's data) and returns a URL
// whose connections use it.
func benchSchemaURL(ctx context.Context, dbURL, schema string, fresh bool) (string, error) {
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
