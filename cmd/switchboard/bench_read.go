package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
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

// benchReadSchema is the PostgreSQL schema the read benchmark fills.
const benchReadSchema = "sb_bench_read"

// benchReadPassword is the reading agent's password.
const benchReadPassword = "read-bench-password"

// runBenchRead seeds a store through SQL, starts a server on it and
// measures the read paths over HTTP (issue 22): conversation lists (every
// view and sort), one conversation with its messages, a customer with
// history and search, each beside /healthz of the same server.
func runBenchRead(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	seed := bench.ReadSeedConfig{Queues: 10, AgentQueues: 3}
	var db, data, conns, mixes, serverBin, schema string
	var reuse, noSearch bool
	cfg := bench.ReadConfig{}
	fs := flag.NewFlagSet("bench read", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL (the benchmark uses its own schema "+benchReadSchema+")")
	fs.StringVar(&schema, "schema", benchReadSchema, "PostgreSQL schema of the data set (several sizes side by side)")
	fs.StringVar(&data, "data", "", "folder for the SQLite data (default: a temporary folder, removed after)")
	fs.IntVar(&seed.Conversations, "conversations", 20000, "conversations to seed (a quarter as many customers)")
	fs.IntVar(&seed.MessagesPer, "messages", 10, "messages per conversation")
	fs.IntVar(&seed.Open, "open", 1000, "conversations not closed (the backlog; at most a twentieth), the rest history")
	fs.BoolVar(&reuse, "reuse", false, "measure on the data of an earlier run (--data or --db), skipping seeding")
	fs.BoolVar(&noSearch, "no-search", false, "build no search index and leave out the search mix (faster seeding)")
	fs.StringVar(&conns, "conns", "8,32", "concurrent connections, a comma-separated list measured in turn")
	fs.DurationVar(&cfg.Duration, "duration", 4*time.Second, "measured period of each mix")
	fs.DurationVar(&cfg.Warmup, "warmup", time.Second, "warm-up before each mix")
	fs.StringVar(&mixes, "mixes", "lists,conversation,customer,search,history-by-name", "mixes to measure, in order: lists (every view and sort but history's by customer and queue name), conversation, customer, search, history-by-name")
	fs.StringVar(&serverBin, "server-bin", "", "switchboard binary to run as the server (default: this one), to compare builds on one data set")
	fs.BoolVar(&cfg.Fresh, "fresh", false, "send Cache-Control: no-cache, so every read is computed (the read cache's miss path)")
	fs.DurationVar(&cfg.WriteEvery, "write-every", 0, "commit a write (the agent's status) this often during each mix, so cached reads expire (0: none)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	seed.Search = !noSearch
	var connList []int
	for _, c := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n <= 0 {
			return fmt.Errorf("--conns: %q is not a positive number", c)
		}
		connList = append(connList, n)
	}
	cfg.Mixes = strings.Split(mixes, ",")
	if noSearch {
		cfg.Mixes = slicesDelete(cfg.Mixes, "search")
	}

	var store *sqlstore.Store
	var storeArgs []string
	var dbCPU func() time.Duration
	dialect := "sqlite"
	var err error
	if db != "" {
		dialect = "postgres"
		u, err := benchSchemaURL(ctx, db, schema, !reuse)
		if err != nil {
			return err
		}
		if store, err = postgres.Open(ctx, u, desk.SystemClock{}); err != nil {
			return err
		}
		// The server's connections name themselves, so the CPU of their
		// backends is measured beside the server's (bench.PostgresCPU).
		app := "switchboard-bench-read-" + schema
		admin, err := sql.Open("pgx", db)
		if err != nil {
			return err
		}
		defer admin.Close()
		dbCPU = bench.PostgresCPU(ctx, admin, app)
		storeArgs = []string{"--db", u + "&application_name=" + app}
	} else {
		if data == "" && reuse {
			return fmt.Errorf("--reuse needs --data (or --db)")
		} else if data == "" {
			if data, err = os.MkdirTemp("", "switchboard-bench-read-"); err != nil {
				return err
			}
			defer os.RemoveAll(data)
		} else if err := os.MkdirAll(data, 0o750); err != nil {
			return err
		}
		path := filepath.Join(data, "switchboard.db")
		if !reuse {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if store, err = sqlite.Open(ctx, path, desk.SystemClock{}); err != nil {
			return err
		}
		storeArgs = []string{"--data", data}
	}
	fmt.Fprintf(stdout, "bench read: %s, GOMAXPROCS %d, %s/%s\n", dialect, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	if reuse {
		cfg.Info, err = bench.LoadReadInfo(ctx, store.DB(), !noSearch)
	} else {
		if seed.PasswordHash, err = auth.HashPassword(benchReadPassword); err != nil {
			store.Close()
			return err
		}
		cfg.Info, err = bench.SeedRead(ctx, store, store.DB(), dialect, seed, stdout)
	}
	store.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data set: %d conversations, the bench agent opens %d of them\n", cfg.Info.Total, len(cfg.Info.Conversations))
	if serverBin == "" {
		if serverBin, err = os.Executable(); err != nil {
			return err
		}
	}
	srv, err := bench.StartServer(ctx, serverBin, storeArgs...)
	if err != nil {
		return err
	}
	defer srv.Stop()
	srv.DBCPU = dbCPU
	if cfg.Token, err = bench.Login(ctx, srv.URL, bench.ReadAgentEmail, benchReadPassword); err != nil {
		return err
	}
	cfg.Target, cfg.Server = srv.URL, srv
	fmt.Fprintf(stdout, "server idle after %s\n", srv.WaitIdle(2*time.Minute).Round(time.Second))
	for _, n := range connList {
		cfg.Conns = n
		fmt.Fprintf(stdout, "\n%d connections, %s per mix after %s warm-up (server %s)\n", n, cfg.Duration, cfg.Warmup, serverBin)
		if _, err := bench.Read(ctx, cfg, stdout); err != nil {
			return err
		}
	}
	return nil
}

func slicesDelete(list []string, v string) []string {
	out := list[:0]
	for _, s := range list {
		if s != v {
			out = append(out, s)
		}
	}
	return out
}
