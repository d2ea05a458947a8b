package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bench"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// runBenchAssign measures automatic assignment in process on a fresh store:
// SQLite in a temporary folder, or a temporary schema of --db, dropped after.
func runBenchAssign(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.AssignConfig{}
	var db string
	fs := flag.NewFlagSet("bench assign", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL (default: SQLite in a temp folder); a temporary schema is used")
	fs.IntVar(&cfg.Agents, "agents", 500, "agents in the queue")
	fs.IntVar(&cfg.Conversations, "conversations", 50000, "conversations (agents × capacity fills everyone)")
	fs.IntVar(&cfg.Rate, "rate", 500, "arrivals and solves per second in the latency phases")
	fs.DurationVar(&cfg.Duration, "duration", 5*time.Second, "length of each latency phase")
	fs.IntVar(&cfg.Writers, "writers", 8, "goroutines building the backlog")
	fs.BoolVar(&cfg.NoInline, "no-inline", false, "leave all assignment to the Assigner (no assignment inside the store's writes), to compare")
	fs.BoolVar(&cfg.DrainOnly, "drain-only", false, "end after the drain phase (no freed-capacity phase)")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write each phase's CPU profile to this prefix + .arrival, .drain, .freed")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if cfg.Agents <= 0 || cfg.Conversations < cfg.Agents || cfg.Rate <= 0 || cfg.Writers <= 0 {
		return fmt.Errorf("bench assign: agents, rate and writers must be positive and conversations ≥ agents")
	}
	cfg.Capacity = cfg.Conversations / cfg.Agents
	if arrivals := cfg.Rate * int(cfg.Duration/time.Second); arrivals >= cfg.Conversations {
		return fmt.Errorf("bench assign: rate × duration (%d) must be below conversations", arrivals)
	}
	cleanup := func() {}
	defer func() { cleanup() }()
	// The database's CPU is known once the store is open (its backends'
	// application_name); Assign holds a copy of cfg by then.
	var dbCPU func() time.Duration
	cfg.Progress = stdout
	cfg.CPU, cfg.DBCPU = processCPU, func() time.Duration {
		if dbCPU == nil {
			return 0
		}
		return dbCPU()
	}
	open := func(ctx context.Context, changes desk.ChangeHandler, inline bool) (desk.Store, bool, error) {
		store, kind, args, done, err := openBenchStore(ctx, db, sqlstore.Options{Changes: changes, InlineAssign: inline})
		if err != nil {
			return nil, false, err
		}
		cleanup = done
		if kind == "postgres" {
			// The run's backends carry the schema's name as their
			// application_name, so their CPU is told from other sessions'.
			adm, err := sql.Open("pgx", db)
			if err != nil {
				return nil, false, err
			}
			cleanup = func() { adm.Close(); done() }
			u, _ := url.Parse(args[1])
			dbCPU = bench.PostgresCPU(ctx, adm, u.Query().Get("application_name"))
		}
		fmt.Fprintf(stdout, "bench assign: %s, %d agents × capacity %d, %d conversations, %d/s for %s, GOMAXPROCS %d\n",
			kind, cfg.Agents, cfg.Capacity, cfg.Conversations, cfg.Rate, cfg.Duration, runtime.GOMAXPROCS(0))
		return store, store.InlineAssign(), nil
	}
	res, err := bench.Assign(ctx, open, cfg)
	if res != nil {
		res.Fprint(stdout)
	}
	return err
}

// openBenchStore opens a throwaway store with opts: SQLite in a temporary
// folder or a temporary schema of db. args are the serve flags that open
// the same.
func openBenchStore(ctx context.Context, db string, opts sqlstore.Options) (store *sqlstore.Store, kind string, args []string, cleanup func(), err error) {
	var rid [4]byte
	_, _ = rand.Read(rid[:])
	if db == "" {
		dir, err := os.MkdirTemp("", "switchboard-bench-")
		if err != nil {
			return nil, "", nil, nil, err
		}
		s, err := sqlite.OpenWith(ctx, filepath.Join(dir, "switchboard.db"), desk.SystemClock{}, opts)
		if err != nil {
			os.RemoveAll(dir)
			return nil, "", nil, nil, err
		}
		return s, "sqlite", []string{"--data", dir}, func() { s.Close(); os.RemoveAll(dir) }, nil
	}
	schema := "bench_" + hex.EncodeToString(rid[:])
	admin, err := sql.Open("pgx", db)
	if err != nil {
		return nil, "", nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return nil, "", nil, nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() { _, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); admin.Close() }
	u, err := url.Parse(db)
	if err != nil {
		drop()
		return nil, "", nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.OpenWith(ctx, u.String(), desk.SystemClock{}, opts)
	if err != nil {
		drop()
		return nil, "", nil, nil, err
	}
	return s, "postgres", []string{"--db", u.String()}, func() { s.Close(); drop() }, nil
}
