package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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

// benchReportSchema is the PostgreSQL schema the report benchmark fills.
const benchReportSchema = "sb_bench_report"

// runBenchReport seeds report facts and rollups for a million
// conversations over 90 days and times each report shape (issue 23):
// SQLite in a new file under --data (default a temporary folder) or
// PostgreSQL in its own schema of --db.
func runBenchReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.ReportConfig{Dialect: "sqlite"}
	var db, data string
	fs := flag.NewFlagSet("bench report", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL (the benchmark uses its own schema "+benchReportSchema+")")
	fs.StringVar(&data, "data", "", "folder for the SQLite file (default: a temporary folder, removed after)")
	fs.IntVar(&cfg.Conversations, "conversations", 1000000, "conversations (report facts) to seed over 90 days")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "time spent measuring, shared by the report shapes")
	fs.BoolVar(&cfg.Reuse, "reuse", false, "measure the data set of an earlier run (--data or --db), skipping seeding")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	var store *sqlstore.Store
	var err error
	if db != "" {
		cfg.Dialect = "postgres"
		u, err := benchSchemaURL(ctx, db, benchReportSchema, !cfg.Reuse)
		if err != nil {
			return err
		}
		if store, err = postgres.Open(ctx, u, desk.SystemClock{}); err != nil {
			return err
		}
	} else {
		if data == "" && cfg.Reuse {
			return fmt.Errorf("--reuse needs --data (or --db)")
		} else if data == "" {
			if data, err = os.MkdirTemp("", "switchboard-bench-report-"); err != nil {
				return err
			}
			defer os.RemoveAll(data)
		}
		path := filepath.Join(data, "report-bench.db")
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
	fmt.Fprintf(stdout, "bench report: %s, GOMAXPROCS %d, %s/%s\n", cfg.Dialect, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	return bench.Report(ctx, store, store.DB(), cfg, stdout)
}
