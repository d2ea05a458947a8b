package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
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
	cfg.Target, cfg.ServerCPU = srv.URL, srv.CPU
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

// runBenchWebhook compares inbound throughput of signed WhatsApp webhooks
// with the API channel's, on one started server.
func runBenchWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := bench.IngestConfig{Channel: "api"}
	var db string
	fs := flag.NewFlagSet("bench webhook", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "PostgreSQL URL for the started server (default: SQLite in a temp folder)")
	fs.IntVar(&cfg.Conns, "conns", 32, "concurrent connections")
	fs.IntVar(&cfg.Customers, "customers", 1000, "distinct customers sending")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured period of each phase")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before each phase")
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
	ch, err := bench.CreateWhatsAppChannel(ctx, srv.URL, cfg.Token, "http://127.0.0.1:9", cfg.RunID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench webhook: target %s (%s), %d conns, %d customers, %s per phase after %s warm-up, GOMAXPROCS %d\n",
		cfg.Target, storeName(db), cfg.Conns, cfg.Customers, cfg.Duration, cfg.Warmup, runtime.GOMAXPROCS(0))
	api, err := bench.Ingest(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, "API channel (POST /api/v1/inbound):\n")
	api.Fprint(stdout)

	wa := cfg
	wa.Path, wa.Sign = ch.WebhookPath, bench.SignWhatsApp(ch.Secret)
	wa.Payload = func(b []byte, n int64) []byte {
		return bench.AppendWhatsAppText(b, n%int64(cfg.Customers), cfg.RunID+"-"+strconv.FormatInt(n, 10), "Hello, I need help with my order")
	}
	whats, err := bench.Ingest(ctx, wa)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, "WhatsApp webhooks (signed, POST /webhooks/whatsapp/{id}):\n")
	whats.Fprint(stdout)
	fmt.Fprintf(stdout, "webhook/API throughput ratio: %.2f\n", whats.Rate()/api.Rate())
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
