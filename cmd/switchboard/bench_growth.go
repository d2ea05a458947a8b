package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/bench"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// growthAdmin is the account the write workloads of bench growth use.
const (
	growthAppName       = "switchboard-growth"
	growthAdminEmail    = "growth-admin@example.com"
	growthAdminPassword = "growth-admin-password"
)

// growthOpts are bench growth's settings.
type growthOpts struct {
	db, dir, serverBin string
	reseed             bool
	reseedBelow        int
	messagesPer        int
	conns              int
	duration, warmup   time.Duration
	workloads          map[string]bool
	readMixes          []string
}

// runBenchGrowth measures each workload on data sets of growing size (issue
// 22, "How cost grows"): per size, a `bench read` data set is seeded once
// (kept in --dir or schema sb_growth_N of --db, reused by later runs), a
// server child on it is loaded with the read mixes (repeated and on the
// cache's miss path), threaded ingest and agents' replies through the
// outbox; then, the server stopped, the automatic-assignment drain runs in
// process on the same data. One Markdown row per workload and size.
func runBenchGrowth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o growthOpts
	var sizes, workloads string
	fs := flag.NewFlagSet("bench growth", flag.ContinueOnError)
	fs.StringVar(&sizes, "sizes", "10000,100000,1000000", "data set sizes in messages, comma-separated")
	fs.IntVar(&o.messagesPer, "messages", 2, "messages per conversation (conversations = size / messages; a quarter as many customers)")
	fs.StringVar(&o.db, "db", "", "PostgreSQL URL (data sets in schemas sb_growth_N; default: SQLite under --dir)")
	fs.StringVar(&o.dir, "dir", filepath.Join(os.TempDir(), "switchboard-growth"), "folder of the SQLite data sets (sqlite-N) and of the seeding notes")
	fs.BoolVar(&o.reseed, "reseed", false, "seed every size anew (default: reuse a data set seeded earlier)")
	fs.IntVar(&o.reseedBelow, "reseed-below", 200000, "seed sizes below this anew every run (seconds to seed; a reused one holds earlier runs' writes, a large share when small)")
	fs.StringVar(&o.serverBin, "server-bin", "", "switchboard binary to run as the server (default: this one), to compare builds on the same data sets")
	fs.IntVar(&o.conns, "conns", 32, "concurrent connections")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "measured period of each workload")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each workload")
	fs.StringVar(&workloads, "workloads", "lists,conversation,customer,search-rare,ingest,outbound,assign", "workloads to measure")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	o.workloads = map[string]bool{}
	for _, w := range strings.Split(workloads, ",") {
		w = strings.TrimSpace(w)
		o.workloads[w] = true
		switch w {
		case "lists", "conversation", "customer", "search", "search-rare", "history-by-name":
			o.readMixes = append(o.readMixes, w)
		case "ingest", "outbound", "assign":
		default:
			return fmt.Errorf("--workloads: unknown %q", w)
		}
	}
	if o.serverBin == "" {
		var err error
		if o.serverBin, err = os.Executable(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(o.dir, 0o750); err != nil {
		return err
	}
	var all []bench.GrowthRow
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 4*o.messagesPer {
			return fmt.Errorf("--sizes: %q is not a size", s)
		}
		rows, err := growthSize(ctx, o, n, stdout, stderr)
		all = append(all, rows...)
		if err != nil {
			fmt.Fprintln(stdout)
			bench.FprintGrowth(stdout, all)
			return err
		}
	}
	fmt.Fprintf(stdout, "\nserver %s, %d connections, %s per workload after %s warm-up\n", o.serverBin, o.conns, o.duration, o.warmup)
	bench.FprintGrowth(stdout, all)
	return nil
}

// growthSize measures every workload on the data set of n messages.
func growthSize(ctx context.Context, o growthOpts, n int, stdout, stderr io.Writer) ([]bench.GrowthRow, error) {
	base := bench.GrowthRow{Store: storeName(o.db), Messages: n, Conversations: n / o.messagesPer}
	name := fmt.Sprintf("%s-%d", base.Store, n)
	notePath := filepath.Join(o.dir, name+".seed.txt")
	fmt.Fprintf(stdout, "\n== %s: %d messages, %d conversations (load %s)\n", base.Store, n, base.Conversations, bench.LoadAverage())

	// The data set: open it, seeding it first unless an earlier run did.
	var store *sqlstore.Store
	var storeArgs []string
	var size func() int64
	var err error
	var reuse bool
	var dbCPU func() time.Duration
	if o.db != "" {
		schema := fmt.Sprintf("sb_growth_%d", n)
		admin, err := sql.Open("pgx", o.db)
		if err != nil {
			return nil, err
		}
		defer admin.Close()
		var tables int
		if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'conversations'`, schema).Scan(&tables); err != nil {
			return nil, err
		}
		reuse = tables > 0 && !o.reseed && n >= o.reseedBelow
		u, err := benchSchemaURL(ctx, o.db, schema, !reuse)
		if err != nil {
			return nil, err
		}
		// The server's connections name themselves, so their backends'
		// CPU can be told from other sessions' (bench.PostgresCPU).
		u += "&application_name=" + growthAppName
		dbCPU = bench.PostgresCPU(ctx, admin, growthAppName)
		if store, err = postgres.Open(ctx, u, desk.SystemClock{}); err != nil {
			return nil, err
		}
		storeArgs = []string{"--db", u}
		size = func() int64 {
			var b sql.NullInt64
			_ = admin.QueryRowContext(ctx, `SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
				JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`, schema).Scan(&b)
			return b.Int64
		}
	} else {
		data := filepath.Join(o.dir, name)
		if err := os.MkdirAll(data, 0o750); err != nil {
			return nil, err
		}
		path := filepath.Join(data, "switchboard.db")
		_, statErr := os.Stat(path)
		reuse = statErr == nil && !o.reseed && n >= o.reseedBelow
		if !reuse {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if store, err = sqlite.Open(ctx, path, desk.SystemClock{}); err != nil {
			return nil, err
		}
		storeArgs = []string{"--data", data}
		size = func() int64 {
			var total int64
			for _, suffix := range []string{"", "-wal"} {
				if fi, err := os.Stat(path + suffix); err == nil {
					total += fi.Size()
				}
			}
			return total
		}
	}
	var info *bench.ReadInfo
	if reuse {
		info, err = bench.LoadReadInfo(ctx, store.DB(), true)
		note, _ := os.ReadFile(notePath)
		fmt.Fprintf(stdout, "data set reused; seeded earlier: %s\n", strings.TrimSpace(string(note)))
	} else {
		info, err = growthSeed(ctx, store, base, notePath, stdout)
	}
	if err == nil && reuse {
		err = growthRestore(ctx, store.DB(), base, stdout)
	}
	store.Close()
	if err != nil {
		return nil, err
	}
	base.DBSize = size()
	create := append([]string{"--email", growthAdminEmail, "--password", growthAdminPassword, "--role", "admin"}, storeArgs...)
	if err := runUserCreate(ctx, create, io.Discard, io.Discard); err != nil {
		fmt.Fprintf(stdout, "admin: %v (kept from an earlier run)\n", err)
	}

	rows, err := growthServer(ctx, o, base, info, storeArgs, dbCPU, stdout)
	if err != nil || !o.workloads["assign"] {
		return rows, err
	}
	row, err := growthAssign(ctx, o, base, storeArgs, dbCPU, stdout)
	if err != nil {
		return rows, err
	}
	fmt.Fprintln(stdout, row.Markdown())
	return append(rows, row), nil
}

// growthSeed seeds the read benchmark's data set of base's size and writes
// how long it took to notePath, for later runs that reuse it.
func growthSeed(ctx context.Context, store *sqlstore.Store, base bench.GrowthRow, notePath string, stdout io.Writer) (*bench.ReadInfo, error) {
	hash, err := auth.HashPassword(benchReadPassword)
	if err != nil {
		return nil, err
	}
	seed := bench.ReadSeedConfig{Queues: 10, AgentQueues: 3, Conversations: base.Conversations,
		MessagesPer: base.Messages / base.Conversations, Open: 1000, Search: true, PasswordHash: hash}
	var log bytes.Buffer
	load0, start := bench.LoadAverage(), time.Now()
	info, err := bench.SeedRead(ctx, store, store.DB(), base.Store, seed, io.MultiWriter(stdout, &log))
	if err != nil {
		return nil, err
	}
	var steps []string
	for _, l := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		if strings.HasPrefix(l, "seed:") || strings.HasPrefix(l, "search index build:") || strings.HasPrefix(l, "disk:") {
			steps = append(steps, l)
		}
	}
	note := fmt.Sprintf("%s, %s in all (load %s before, %s after): %s\n", start.UTC().Format("2006-01-02 15:04 UTC"),
		time.Since(start).Round(time.Second), load0, bench.LoadAverage(), strings.Join(steps, "; "))
	fmt.Fprint(stdout, "seeded: "+note)
	return info, os.WriteFile(notePath, []byte(note), 0o640)
}

// growthServer starts a server on the data set and measures the read mixes
// (repeated, then computed anew), ingest and outbound.
func growthServer(ctx context.Context, o growthOpts, base bench.GrowthRow, info *bench.ReadInfo, storeArgs []string, dbCPU func() time.Duration, stdout io.Writer) ([]bench.GrowthRow, error) {
	srv, err := bench.StartServer(ctx, o.serverBin, storeArgs...)
	if err != nil {
		return nil, err
	}
	srv.DBCPU = dbCPU
	defer srv.Stop()
	agent, err := bench.Login(ctx, srv.URL, bench.ReadAgentEmail, benchReadPassword)
	if err != nil {
		return nil, err
	}
	admin, err := bench.Login(ctx, srv.URL, growthAdminEmail, growthAdminPassword)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "server idle after %s\n", srv.WaitIdle(3*time.Minute).Round(time.Second))
	var rows []bench.GrowthRow
	emit := func(r bench.GrowthRow) {
		r.RSS, _ = srv.RSS()
		r.RSSAnon, _ = srv.RSSAnon()
		r.Load = bench.LoadAverage()
		fmt.Fprintln(stdout, r.Markdown())
		rows = append(rows, r)
	}
	if len(o.readMixes) > 0 {
		for _, fresh := range []bool{false, true} {
			cfg := bench.ReadConfig{Target: srv.URL, Token: agent, Conns: o.conns, Duration: o.duration, Warmup: o.warmup,
				Mixes: o.readMixes, Info: info, Server: srv, Fresh: fresh}
			suffix := ", repeated"
			if fresh {
				suffix = ", miss (no-cache)"
			}
			fmt.Fprintf(stdout, "read mixes%s:\n", suffix)
			results, err := bench.Read(ctx, cfg, stdout)
			if err != nil {
				return rows, err
			}
			for _, r := range bench.ReadGrowthRows(base, results, suffix) {
				emit(r)
			}
		}
	}
	if o.workloads["ingest"] {
		cfg := bench.IngestConfig{Channel: "api", Target: srv.URL, Token: admin, Conns: o.conns, Customers: 1000,
			Duration: o.duration, Warmup: o.warmup, RunID: runID(), ServerCPU: srv.CPU, DBCPU: dbCPU, Healthz: o.duration}
		res, err := bench.Ingest(ctx, cfg)
		if err != nil {
			return rows, fmt.Errorf("ingest: %w", err)
		}
		res.Fprint(stdout)
		r := base
		r.Workload, r.Rate, r.P50, r.P99 = "ingest, threaded (1,000 customers)", res.Rate(), res.Latency.P50, res.Latency.P99
		r.CPU = res.ServerCPU / time.Duration(max(1, res.Messages))
		r.DBCPU = res.DBCPU / time.Duration(max(1, res.Messages))
		if res.HealthzRate > 0 {
			r.Ratio = res.Rate() / res.HealthzRate
		}
		if res.Errors > 0 {
			r.Note = fmt.Sprintf("%d errors", res.Errors)
		}
		emit(r)
	}
	if o.workloads["outbound"] {
		cfg := bench.OutboundConfig{Target: srv.URL, Token: admin, Conns: o.conns, Conversations: 200,
			Duration: o.duration, Warmup: o.warmup, RunID: runID(), ServerCPU: srv.CPU, DBCPU: dbCPU}
		res, err := bench.Outbound(ctx, cfg)
		if err != nil {
			return rows, fmt.Errorf("outbound: %w", err)
		}
		res.Fprint(stdout)
		r := base
		r.Workload = "agent reply → outbox → provider"
		r.Rate, r.P50, r.P99 = float64(res.Delivered)/res.Elapsed.Seconds(), res.Latency.P50, res.Latency.P99
		r.CPU = res.ServerCPU / time.Duration(max(1, res.Replies))
		r.DBCPU = res.DBCPU / time.Duration(max(1, res.Replies))
		if h := bench.HealthzRate(ctx, srv.URL, o.conns, o.duration); h > 0 {
			r.Ratio = r.Rate / h
		}
		r.Note = fmt.Sprintf("%d of %d replies delivered", res.Delivered, res.Replies)
		if res.Errors > 0 {
			r.Note += fmt.Sprintf(", %d errors", res.Errors)
		}
		emit(r)
	}
	return rows, nil
}

// growthAssign runs the automatic-assignment benchmark in process on the
// data set (the server stopped: its own Assigner would take the work).
func growthAssign(ctx context.Context, o growthOpts, base bench.GrowthRow, storeArgs []string, dbCPU func() time.Duration, stdout io.Writer) (bench.GrowthRow, error) {
	// Small, as it stays in the data set: 200 arrivals, a backlog of 1,800.
	cfg := bench.AssignConfig{Agents: 40, Conversations: 2000, Capacity: 50, Rate: 200, Duration: time.Second, Writers: 8,
		RunID: runID(), CPU: processCPU, DBCPU: dbCPU}
	var store *sqlstore.Store
	open := func(ctx context.Context, changes desk.ChangeHandler, inline bool) (desk.Store, bool, error) {
		opts := sqlstore.Options{Changes: changes, InlineAssign: inline}
		var err error
		if storeArgs[0] == "--db" {
			store, err = postgres.OpenWith(ctx, storeArgs[1], desk.SystemClock{}, opts)
		} else {
			store, err = sqlite.OpenWith(ctx, filepath.Join(storeArgs[1], "switchboard.db"), desk.SystemClock{}, opts)
		}
		if err != nil {
			return nil, false, err
		}
		return store, store.InlineAssign(), nil
	}
	res, err := bench.Assign(ctx, open, cfg)
	if store != nil {
		defer store.Close()
	}
	if err != nil {
		return base, fmt.Errorf("assign: %w", err)
	}
	res.Fprint(stdout)
	r := base
	r.Workload = "assignment drain (in process)"
	r.Rate = float64(res.Drained) / res.DrainTime.Seconds()
	r.CPU = res.DrainCPU / time.Duration(max(1, res.Drained))
	r.DBCPU = res.DrainDBCPU / time.Duration(max(1, res.Drained))
	r.Load = bench.LoadAverage()
	r.Note = fmt.Sprintf("%d waiting → 40 agents; arrivals at 200/s: waiting→assigned p50 %.1f ms, p99 %.1f ms",
		res.Drained, float64(res.Arrival.P50.Microseconds())/1000, float64(res.Arrival.P99.Microseconds())/1000)
	return r, nil
}

// growthRestore brings a reused data set back to the backlog that was
// seeded: the seed numbers conversations 1…N, so those above were opened
// by an earlier run's write workloads (ingest, outbound, the drain's
// backlog); they are closed (deleting them was tried: the cascades took
// minutes even at 10⁴), so the open views read the seeded backlog again.
// Earlier runs' channels (the seed makes none) are deleted with the
// replies still due to their fake providers (gone with them): webhooks of
// this run would go to the first channel of the bench's phone number ID,
// and the server would retry those replies while measured. The rows stay:
// the tables are that much larger than seeded (printed).
func growthRestore(ctx context.Context, db *sql.DB, base bench.GrowthRow, out io.Writer) error {
	for _, q := range []string{
		`DELETE FROM outbox WHERE state = 'pending' AND $1 >= 0`,
		// Earlier runs' WhatsApp channels: all share the bench's phone
		// number ID, and webhooks go to the first channel that has it.
		`DELETE FROM channels WHERE $1 >= 0`,
		`UPDATE conversations SET status = 'closed', closed_at = COALESCE(last_message_at, created_at)
			WHERE id > $1 AND status <> 'closed'`,
	} {
		if _, err := db.ExecContext(ctx, q, base.Conversations); err != nil {
			return fmt.Errorf("restoring the data set: %w", err)
		}
	}
	var convs, msgs int64
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages)`).Scan(&convs, &msgs); err != nil {
		return err
	}
	fmt.Fprintf(out, "the store holds %d conversations, %d messages (seeded %d, %d; the rest earlier runs' writes, closed)\n",
		convs, msgs, base.Conversations, base.Messages)
	return nil
}

// processCPU is this process's CPU time (user + system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
