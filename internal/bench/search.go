package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// SearchConfig configures the search benchmark.
type SearchConfig struct {
	Seed SeedConfig
	// Dialect is "sqlite" or "postgres".
	Dialect string
	// Queries is how many searches are measured, after a tenth as many
	// unmeasured warm-up searches.
	Queries int
	// Limit is the page size of each group.
	Limit int
	// Queues is how many queues conversations spread over; the agent
	// searching belongs to AgentQueues of them (and the Default queue,
	// which holds none).
	Queues, AgentQueues int
	// Reuse measures queries on a data set seeded by an earlier run,
	// skipping seeding and the index build.
	Reuse bool
	// CPUProfile, if set, is where the measured queries' CPU profile is
	// written, each sample labelled with its query's kind.
	CPUProfile string
}

// searchCase is one query of the mix.
type searchCase struct {
	kind, text string
}

// Search seeds the data set through SQL, rebuilds the search indexes
// (timed: the index build), reports the disk used, then runs the query mix
// through the store as an agent who sees a subset of the queues, and
// reports latency percentiles per kind of query and overall (none if
// cfg.Queries is 0). It returns what the queries of SearchHTTP need.
func Search(ctx context.Context, store desk.Store, db *sql.DB, cfg SearchConfig, out io.Writer) (*SeedInfo, error) {
	var agent *desk.Agent
	var info *SeedInfo
	var err error
	if cfg.Reuse {
		sys := desk.NewContextWithActor(ctx, desk.SystemActor)
		if agent, err = store.FindAgentByEmail(sys, BenchAgentEmail); err != nil {
			return nil, fmt.Errorf("--reuse needs a data set seeded by an earlier run: %w", err)
		}
		if info, err = loadSeedInfo(ctx, db); err != nil {
			return nil, err
		}
	} else if agent, info, err = seedAndIndex(ctx, store, db, cfg, out); err != nil {
		return nil, err
	}
	if err := recordReportFacts(ctx, db, out); err != nil {
		return nil, err
	}
	if cfg.Queries == 0 {
		return info, nil
	}
	return info, measure(ctx, store, agent, info, cfg, out)
}

// BenchAgentEmail is the account the queries run as.
const BenchAgentEmail = "search-bench@example.com"

// seedAndIndex creates the queues and the agent, seeds the data set with
// index maintenance suspended, and rebuilds the indexes (timed).
func seedAndIndex(ctx context.Context, store desk.Store, db *sql.DB, cfg SearchConfig, out io.Writer) (*desk.Agent, *SeedInfo, error) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	var queueIDs []int64
	var agentQueueIDs []desk.ID
	for i := 1; i <= cfg.Queues; i++ {
		q := &desk.Queue{Name: fmt.Sprintf("Queue %d", i)}
		if err := store.CreateQueue(sys, q); err != nil {
			return nil, nil, err
		}
		queueIDs = append(queueIDs, int64(q.ID))
		if i <= cfg.AgentQueues {
			agentQueueIDs = append(agentQueueIDs, q.ID)
		}
	}
	agent := &desk.Agent{Email: BenchAgentEmail, Role: desk.RoleAgent, Capacity: 5, QueueIDs: agentQueueIDs}
	if err := store.CreateAgent(sys, agent); err != nil {
		return nil, nil, err
	}
	// The search indexes are built once after seeding (timed below), as a
	// bulk load would; maintaining them row by row is slower.
	restore, err := suspendIndexing(ctx, db, cfg.Dialect)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(out, "seeding %d messages, %d conversations, %d customers over %d queues (%s)\n",
		cfg.Seed.Messages, cfg.Seed.Conversations, cfg.Seed.Customers, cfg.Queues, cfg.Dialect)
	info, err := SeedSearch(ctx, db, cfg.Dialect, cfg.Seed, queueIDs, out)
	if err != nil {
		return nil, nil, fmt.Errorf("seed: %w", err)
	}
	if err := restore(); err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(out, "seed: %s (rows only%s)\n", info.Elapsed.Round(time.Millisecond),
		map[bool]string{true: ", with their generated tsvector columns", false: ""}[cfg.Dialect == "postgres"])
	if cfg.Dialect == "postgres" {
		for _, t := range []string{"customers", "conversations", "messages"} {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT max(id) FROM `+t+`))`); err != nil {
				return nil, nil, err
			}
		}
	}
	start := time.Now()
	if err := store.ReindexSearch(sys); err != nil {
		return nil, nil, fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(out, "index build (switchboard reindex): %s\n", time.Since(start).Round(time.Millisecond))
	if err := reportDisk(ctx, db, cfg.Dialect, out); err != nil {
		fmt.Fprintf(out, "disk size: %v\n", err)
	}
	return agent, info, nil
}

// measure runs the query mix as the agent and prints the percentiles.
func measure(ctx context.Context, store desk.Store, agent *desk.Agent, info *SeedInfo, cfg SearchConfig, out io.Writer) error {
	cases := searchCases(info)
	actx := desk.NewContextWithActor(ctx, &desk.Actor{AgentID: agent.ID, Name: agent.Name, Role: agent.Role})
	for i := 0; i < cfg.Queries/10; i++ {
		if _, err := store.Search(actx, desk.SearchQuery{Text: cases[i%len(cases)].text, Limit: cfg.Limit}); err != nil {
			return fmt.Errorf("search %q: %w", cases[i%len(cases)].text, err)
		}
	}
	byKind := map[string][]time.Duration{}
	var all []time.Duration
	hits := map[string]int{}
	cpu := map[string]time.Duration{} // the process's, one search at a time
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for i := 0; i < cfg.Queries; i++ {
		c := cases[(i*7)%len(cases)]
		t, c0 := time.Now(), cpuTime()
		var res *desk.SearchResult
		var err error
		pprof.Do(actx, pprof.Labels("kind", c.kind), func(ctx context.Context) {
			res, err = store.Search(ctx, desk.SearchQuery{Text: c.text, Limit: cfg.Limit})
		})
		d := time.Since(t)
		cpu[c.kind] += cpuTime() - c0
		if err != nil {
			return fmt.Errorf("search %q: %w", c.text, err)
		}
		byKind[c.kind] = append(byKind[c.kind], d)
		all = append(all, d)
		hits[c.kind] += len(res.Conversations.Items) + len(res.Messages.Items) + len(res.Customers.Items)
	}
	fmt.Fprintf(out, "queries as an agent of %d of %d queues, 3 groups x limit %d each:\n", cfg.AgentQueues, cfg.Queues, cfg.Limit)
	for _, k := range []string{"common", "rare", "phone", "name", "prefix"} {
		s := byKind[k]
		n := len(s)
		Summarize(s).Fprint(out, fmt.Sprintf("  %-7s (%.1f hits/query, CPU %d µs/query)", k, float64(hits[k])/float64(max(n, 1)),
			cpu[k].Microseconds()/int64(max(n, 1))))
	}
	Summarize(all).Fprint(out, "  all")
	return nil
}

// recordReportFacts gives every seeded conversation the report fact the
// server's recorder would have kept while it ran (its queue, channel,
// assignee and times), as a database in use has them. Without them a
// server started on the data set spends its first hour backfilling facts,
// writing all the while, which is not the steady state searches run in.
func recordReportFacts(ctx context.Context, db *sql.DB, out io.Writer) error {
	start := time.Now()
	r, err := db.ExecContext(ctx, `INSERT INTO report_facts (conversation_id, queue_id, channel, agent_id, created_at, updated_at)
		SELECT c.id, c.queue_id, c.channel, c.assignee_id, c.created_at, c.updated_at FROM conversations c
		WHERE c.merged_into_id IS NULL AND c.channel <> 'internal'
		AND NOT EXISTS (SELECT 1 FROM report_facts f WHERE f.conversation_id = c.id)`)
	if err != nil {
		return fmt.Errorf("report facts: %w", err)
	}
	if n, _ := r.RowsAffected(); n > 0 {
		fmt.Fprintf(out, "report facts of %d conversations recorded in %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// suspendIndexing turns index maintenance off for a bulk load and returns
// how to turn it back on: SQLite's FTS5 triggers are dropped and later
// recreated from their stored SQL; PostgreSQL's GIN indexes are dropped
// (ReindexSearch creates them).
func suspendIndexing(ctx context.Context, db *sql.DB, dialect string) (func() error, error) {
	if dialect == "postgres" {
		_, err := db.ExecContext(ctx, `DROP INDEX IF EXISTS messages_search, customers_search, conversations_search`)
		return func() error { return nil }, err
	}
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_%'`)
	if err != nil {
		return nil, err
	}
	triggers := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		triggers[name] = def
	}
	rows.Close()
	for name := range triggers {
		if _, err := db.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, def := range triggers {
			if _, err := db.ExecContext(ctx, def); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// searchCases is the query mix: common and rare words, phone numbers of
// seeded customers in several typed formats, names with and without
// accents, and prefixes as typed letter by letter.
func searchCases(info *SeedInfo) []searchCase {
	var cs []searchCase
	for _, w := range []string{"order", "delivery", "refund please", "thanks", "payment card", "still waiting", "tracking number"} {
		cs = append(cs, searchCase{"common", w})
	}
	for _, w := range info.Rare[:40] {
		cs = append(cs, searchCase{"rare", w})
	}
	for i, p := range info.Phones[:min(40, len(info.Phones))] {
		d := strings.TrimPrefix(p, "+")
		var typed string
		switch i % 4 {
		case 0:
			typed = p
		case 1:
			typed = "+" + d[:2] + " " + d[2:5] + " " + d[5:9] + " " + d[9:]
		case 2:
			typed = "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
		default:
			typed = "0" + d[2:5] + "-" + d[5:] // national format with trunk prefix
		}
		cs = append(cs, searchCase{"phone", typed})
	}
	for i, n := range info.Names[:min(20, len(info.Names))] {
		if i%2 == 1 {
			n = strings.ToLower(n)
		}
		cs = append(cs, searchCase{"name", n})
	}
	cs = append(cs, searchCase{"name", "muller"}, searchCase{"name", "Jose Garcia"}, searchCase{"name", "francois dubois"})
	for _, p := range []string{"deliv", "refu", "mül", "jos", "tra", "pay", "wai", "an", "subscr", "garc"} {
		cs = append(cs, searchCase{"prefix", p})
	}
	return cs
}

// reportDisk prints the database's size and the search indexes' share.
func reportDisk(ctx context.Context, db *sql.DB, dialect string, out io.Writer) error {
	mb := func(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
	if dialect == "postgres" {
		var total, idx, vec int64
		err := db.QueryRowContext(ctx, `SELECT (SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'),
			pg_relation_size('messages_search') + pg_relation_size('customers_search') + pg_relation_size('conversations_search'),
			(SELECT COALESCE(sum(pg_column_size(search)), 0) FROM messages) + (SELECT COALESCE(sum(pg_column_size(search)), 0) FROM conversations)
			+ (SELECT COALESCE(sum(pg_column_size(search)), 0) FROM customers)`).Scan(&total, &idx, &vec)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "disk: schema's tables with indexes %s; search: GIN indexes %s + tsvector columns %s\n", mb(total), mb(idx), mb(vec))
		return nil
	}
	var pages, size int64
	if err := db.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count, pragma_page_size`).Scan(&pages); err != nil {
		return err
	}
	err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(pgsize), 0) FROM dbstat WHERE name LIKE '%_fts%'`).Scan(&size)
	if err != nil {
		fmt.Fprintf(out, "disk: database %s (dbstat unavailable: %v)\n", mb(pages), err)
		return nil
	}
	fmt.Fprintf(out, "disk: database %s; search: FTS5 indexes %s\n", mb(pages), mb(size))
	return nil
}
