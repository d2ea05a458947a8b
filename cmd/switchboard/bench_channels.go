package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bench"
)

// runBenchOutbound measures agents' replies from the API call to a local
// fake WhatsApp provider receiving them, through the outbox and workers of
// a started `switchboard serve`.
func runBenchOutbound(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.OutboundConfig{}
	var db string
	fs := flag.NewFlagSet("bench outbound", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL for the started server (default: SQLite in a temp folder)")
	fs.IntVar(&cfg.Conns, "conns", 32, "concurrent connections")
	fs.IntVar(&cfg.Conversations, "conversations", 200, "conversations replied to round-robin")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured period")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before measuring")
	var serverBin string
	fs.StringVar(&serverBin, "server-bin", "", "switchboard binary to run as the server (default: this one), to compare builds under one load generator")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg.RunID = runID()
	srv, cleanup, err := startBenchServerBin(ctx, serverBin, db, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg.Target, cfg.ServerCPU, cfg.DBCost = srv.URL, srv.CPU, srv.DBCost
	if cfg.Token, err = bench.Login(ctx, srv.URL, "bench@example.com", "bench-password"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench outbound: target %s (%s), %d conns, %d conversations, %s after %s warm-up, GOMAXPROCS %d\n",
		cfg.Target, storeName(db), cfg.Conns, cfg.Conversations, cfg.Duration, cfg.Warmup, runtime.GOMAXPROCS(0))
	res, err := bench.Outbound(ctx, cfg)
	if res != nil {
		res.Fprint(stdout)
	}
	return err
}

// runBenchWebhook compares the inbound throughput of every provider's
// signed webhook format (WhatsApp, Messenger, Instagram, Twilio SMS, Viber,
// the generic signed webhook) with the API channel's, on one started
// server. Each format runs right after an API-channel run of the same
// length, so a noisy machine moves both sides of each ratio alike.
func runBenchWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.IngestConfig{Channel: "api"}
	var db, only string
	fs := flag.NewFlagSet("bench webhook", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL for the started server (default: SQLite in a temp folder)")
	fs.IntVar(&cfg.Conns, "conns", 32, "concurrent connections")
	fs.IntVar(&cfg.Customers, "customers", 1000, "distinct customers sending")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured period of each phase")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before each phase")
	fs.StringVar(&only, "formats", "", "comma-separated formats to run (whatsapp,messenger,instagram,sms,viber,apple); empty = all")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg.RunID = runID()
	srv, cleanup, err := startBenchServer(ctx, db, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg.Target = srv.URL
	if cfg.Token, err = bench.Login(ctx, srv.URL, "bench@example.com", "bench-password"); err != nil {
		return err
	}
	formats := bench.WebhookFormats(cfg.RunID, "http://127.0.0.1:9")
	if only != "" {
		keep := map[string]bool{}
		for _, f := range strings.Split(only, ",") {
			keep[strings.TrimSpace(f)] = true
		}
		var sel []bench.WebhookFormat
		for _, f := range formats {
			if keep[strings.Fields(f.Name)[0]] {
				sel = append(sel, f)
			}
		}
		if len(sel) == 0 {
			return fmt.Errorf("--formats: none of %q", only)
		}
		formats = sel
	}
	fmt.Fprintf(stdout, "bench webhook: target %s (%s), %d conns, %d customers, %s per phase after %s warm-up, GOMAXPROCS %d\n",
		cfg.Target, storeName(db), cfg.Conns, cfg.Customers, cfg.Duration, cfg.Warmup, runtime.GOMAXPROCS(0))
	type row struct {
		name      string
		api, hook *bench.IngestResult
	}
	var rows []row
	for i, f := range formats {
		path, err := bench.CreateChannel(ctx, srv.URL, cfg.Token, f.Channel)
		if err != nil {
			return err
		}
		api := cfg
		api.RunID = fmt.Sprintf("%s-api%d", cfg.RunID, i)
		apiRes, err := bench.Ingest(ctx, api)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "API channel (POST /api/v1/inbound), paired with %s:\n", f.Name)
		apiRes.Fprint(stdout)

		wh := cfg
		wh.Path, wh.Sign = path, f.Signer(srv.URL+path)
		f := f
		wh.Payload = func(b []byte, n int64) []byte {
			return f.Append(b, n%int64(cfg.Customers), f.ExternalID(cfg.RunID, n), "Hello, I need help with my order")
		}
		hookRes, err := bench.Ingest(ctx, wh)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		fmt.Fprintf(stdout, "%s webhooks (signed, POST %s):\n", f.Name, path)
		hookRes.Fprint(stdout)
		rows = append(rows, row{f.Name, apiRes, hookRes})
	}
	fmt.Fprintf(stdout, "\n%-24s %10s %12s %7s %9s %9s  %s\n", "format", "API msg/s", "webhook msg/s", "ratio", "p99 API", "p99 hook", "target (>= 0.80)")
	for _, r := range rows {
		ratio := r.hook.Rate() / r.api.Rate()
		verdict := "met"
		if ratio < 0.8 {
			verdict = "NOT met"
		}
		fmt.Fprintf(stdout, "%-24s %10.0f %12.0f %7.2f %7.1fms %7.1fms  %s\n", r.name, r.api.Rate(), r.hook.Rate(), ratio,
			float64(r.api.Latency.P99.Microseconds())/1000, float64(r.hook.Latency.P99.Microseconds())/1000, verdict)
	}
	return nil
}

func runID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func storeName(db string) string {
	if db != "" {
		return "postgres"
	}
	return "sqlite"
}
