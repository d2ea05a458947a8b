// Command switchboard is the Switchboard contact-center server and its
// command-line tools: serve, user create, reindex, bench.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: switchboard <command> [flags]

commands:
  serve         run the server (SQLite in --data by default, PostgreSQL with --db)
  user create   create an account: --email E --password P --role admin|supervisor|agent
  backup        write a backup of a SQLite data folder (file or S3) while it serves
  restore       restore a backup into an empty data folder
  migrate-store copy a SQLite data folder into PostgreSQL (--from ./data --to postgres://...)
  reindex       rebuild the search indexes (--data or --db)
  bench ingest  load-test POST /api/v1/inbound and print messages/s and latency
  bench search  seed 1M messages and measure search latency (--data or --db)
  bench assign  measure automatic assignment: latency and assignments/s
  bench ws      live feed: server memory per socket, commit→socket latency
  bench outbound  replies through the outbox to a local fake provider: messages/s, latency
  bench webhook   signed WhatsApp webhooks vs the API channel: inbound messages/s
  bench calls     concurrent bridged G.711 calls: setup time, packet loss, jitter, CPU
  bench read      seed conversations, then lists, a conversation, a customer, search over HTTP: req/s, latency, ratio to /healthz
  bench growth    every workload on data sets of 10⁴…10⁶ messages (seeded once, reused): one table with CPU/op, ratio, RSS
  healthcheck   exit 0 if a running server's /readyz answers 200 (container HEALTHCHECK)
  version       print the version (stamped by release builds: -ldflags "-X main.version=...")

Flags also come from SWITCHBOARD_* environment variables (e.g. SWITCHBOARD_ADDR).
Run 'switchboard <command> -h' for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, errUsage) {
		os.Exit(2)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run dispatches a command; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "create" {
			fmt.Fprint(stderr, "usage: switchboard user create --email E --password P --role R [--data DIR | --db URL]\n")
			return errUsage
		}
		return runUserCreate(ctx, args[2:], stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		return runRestore(ctx, args[1:], stdout, stderr)
	case "migrate-store":
		return runMigrateStore(ctx, args[1:], stdout, stderr)
	case "reindex":
		return runReindex(ctx, args[1:], stdout, stderr)
	case "bench":
		benches := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
			"ingest":   runBenchIngest,
			"assign":   runBenchAssign,
			"ws":       runBenchWS,
			"outbound": runBenchOutbound,
			"webhook":  runBenchWebhook,
			"calls":    runBenchCalls,
			"search":   runBenchSearch,
			"read":     runBenchRead,
			"report":   runBenchReport,
			"growth":   runBenchGrowth,
		}
		if len(args) < 2 || benches[args[1]] == nil {
			fmt.Fprint(stderr, "usage: switchboard bench ingest|assign|outbound|webhook|ws|calls|search|read|report|growth [flags]\n")
			return errUsage
		}
		return benches[args[1]](ctx, args[2:], stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
