package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bench"
)

// runBenchIngest load-tests POST /api/v1/inbound. Without --target it starts
// its own `switchboard serve` child on a fresh temporary data folder (or on
// --db), creates an admin and uses that admin's token.
func runBenchIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.IngestConfig{Channel: "api"}
	var db, serverBin string
	fs := flag.NewFlagSet("bench ingest", flag.ContinueOnError)
	fs.StringVar(&serverBin, "server-bin", "", "switchboard binary to run as the server (default: this one), to compare builds under one load generator")
	fs.BoolVar(&cfg.NewCustomers, "new-customers", false, "every message from a new customer (a new conversation each) instead of threading into 1,000 customers' conversations")
	fs.DurationVar(&cfg.Healthz, "healthz", 3*time.Second, "then measure GET /healthz of the same server this long, as the reference (0: skip)")
	fs.StringVar(&cfg.Target, "target", "", "base URL of a running server (default: start one)")
	fs.StringVar(&cfg.Token, "token", "", "integration or admin token for --target")
	fs.StringVar(&db, "db", "", "PostgreSQL URL for the started server (default: SQLite in a temp folder)")
	fs.IntVar(&cfg.Conns, "conns", 32, "concurrent connections")
	fs.IntVar(&cfg.Customers, "customers", 1000, "distinct customers sending")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured period")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before measuring")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	var rid [4]byte
	_, _ = rand.Read(rid[:])
	cfg.RunID = hex.EncodeToString(rid[:])

	if cfg.Target == "" {
		srv, cleanup, err := startBenchServerBin(ctx, serverBin, db, stderr)
		if err != nil {
			return err
		}
		defer cleanup()
		cfg.Target, cfg.ServerCPU, cfg.DBCost = srv.URL, srv.CPU, srv.DBCost
		if cfg.Token, err = bench.Login(ctx, srv.URL, "bench@example.com", "bench-password"); err != nil {
			return err
		}
	} else if cfg.Token == "" {
		return fmt.Errorf("--token is required with --target")
	}

	store := "sqlite"
	if db != "" {
		store = "postgres"
	}
	customers := fmt.Sprintf("%d customers", cfg.Customers)
	if cfg.NewCustomers {
		customers = "a new customer per message"
	}
	fmt.Fprintf(stdout, "bench ingest: target %s (%s), %d conns, %s, %s after %s warm-up, GOMAXPROCS %d\n",
		cfg.Target, store, cfg.Conns, customers, cfg.Duration, cfg.Warmup, runtime.GOMAXPROCS(0))
	res, err := bench.Ingest(ctx, cfg)
	if res != nil {
		res.Fprint(stdout)
	}
	return err
}

// benchAppName is the application_name of a started server's PostgreSQL
// connections.
const benchAppName = "sb_bench_server"

// startBenchServer creates an admin and starts a server child process on a
// temporary data folder (or the given PostgreSQL URL).
func startBenchServer(ctx context.Context, db string, stderr io.Writer) (*bench.Server, func(), error) {
	return startBenchServerBin(ctx, "", db, stderr)
}

// startBenchServerBin is startBenchServer running bin (empty: this
// executable) as the server.
func startBenchServerBin(ctx context.Context, bin, db string, stderr io.Writer) (*bench.Server, func(), error) {
	if bin == "" {
		var err error
		if bin, err = os.Executable(); err != nil {
			return nil, nil, err
		}
	}
	dir, err := os.MkdirTemp("", "switchboard-bench-")
	if err != nil {
		return nil, nil, err
	}
	storeArgs := []string{"--data", dir}
	if db != "" {
		// A schema of its own, anew each run: an earlier run's channels,
		// outbox rows and leases (its fake provider gone) must not stand
		// in this run's way, as they did on a reused database.
		u, err := benchSchemaURL(ctx, db, "sb_bench_server", true)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		// The server's connections name themselves, so PostgreSQL's cost
		// for them is told from other sessions' (bench.PostgresCost).
		storeArgs = []string{"--db", u + "&application_name=" + benchAppName}
	}
	create := append([]string{"--email", "bench@example.com", "--password", "bench-password", "--role", "admin"}, storeArgs...)
	if err := runUserCreate(ctx, create, io.Discard, stderr); err != nil {
		// On a reused PostgreSQL database the account may exist already.
		fmt.Fprintf(stderr, "bench: user create: %v (continuing)\n", err)
	}
	srv, err := bench.StartServer(ctx, bin, storeArgs...)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	closeDB := func() {}
	if db != "" {
		if admin, err := sql.Open("pgx", db); err == nil {
			srv.DBCost, closeDB = bench.PostgresCost(ctx, admin, benchAppName), func() { admin.Close() }
		}
	}
	return srv, func() { _ = srv.Stop(); closeDB(); os.RemoveAll(dir) }, nil
}
