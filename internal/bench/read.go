package bench

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ReadSeedConfig sizes the read benchmark's data set (issue 22).
type ReadSeedConfig struct {
	Conversations int
	// MessagesPer is how many messages each conversation holds.
	MessagesPer int
	// Queues is how many queues conversations spread over; the agent
	// reading belongs to AgentQueues of them.
	Queues, AgentQueues int
	// Open is how many conversations are not closed (at most a
	// twentieth): a contact center's backlog does not grow with its
	// history, which is what the growth table varies.
	Open int
	// Search builds the search indexes after seeding (timed); without it
	// the search mix is left out.
	Search bool
	// PasswordHash is the reading agent's password hash.
	PasswordHash string
}

// ReadInfo is what the seeding produced that the requests need.
type ReadInfo struct {
	AgentEmail    string
	Conversations []desk.ID // conversations the agent may open
	Customers     []desk.ID // customers with several of them
	Words         []string  // search mix: common and rare words, names
	Rare          []string  // search-rare mix: rare words only (product codes, surnames)
	Total         int       // conversations in the store (highest ID)
}

// ReadAgentEmail is the account the read mixes run as: an agent of a
// few queues, so queue access is checked on every request.
const ReadAgentEmail = "read-bench@example.com"

// SeedRead fills a fresh migrated store through SQL, as SeedSearch does:
// a quarter as many customers as conversations (each with four
// conversations of history), MessagesPer messages each, all but Open of
// them closed. Of the
// open ones a tenth are held by a bot, three tenths are assigned to the
// reading agent, the rest wait unassigned. Every conversation gets its
// report fact so the server's start-up backfill has nothing to do.
func SeedRead(ctx context.Context, store desk.Store, db *sql.DB, dialect string, cfg ReadSeedConfig, out io.Writer) (*ReadInfo, error) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	var queueIDs []int64
	var agentQueues []desk.ID
	for i := 1; i <= cfg.Queues; i++ {
		q := &desk.Queue{Name: fmt.Sprintf("Queue %d", i)}
		if err := store.CreateQueue(sys, q); err != nil {
			return nil, err
		}
		queueIDs = append(queueIDs, int64(q.ID))
		if i <= cfg.AgentQueues {
			agentQueues = append(agentQueues, q.ID)
		}
	}
	agent := &desk.Agent{Email: ReadAgentEmail, Name: "Read Bench", Role: desk.RoleAgent, Capacity: 5,
		QueueIDs: agentQueues, PasswordHash: cfg.PasswordHash}
	if err := store.CreateAgent(sys, agent); err != nil {
		return nil, err
	}
	restore, err := suspendIndexing(ctx, db, dialect)
	if err != nil {
		return nil, err
	}
	sc := SeedConfig{Conversations: cfg.Conversations, Messages: cfg.Conversations * cfg.MessagesPer,
		Customers: max(1, cfg.Conversations/4), Seed: 7}
	fmt.Fprintf(out, "seeding %d conversations, %d messages, %d customers over %d queues (%s)\n",
		sc.Conversations, sc.Messages, sc.Customers, cfg.Queues, dialect)
	info, err := SeedSearch(ctx, db, dialect, sc, queueIDs, out)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := restore(); err != nil {
		return nil, err
	}
	start := time.Now()
	open := cfg.Conversations - min(cfg.Open, cfg.Conversations/20)
	for _, q := range []string{
		// The backlog is Open conversations whatever the history's size.
		`UPDATE conversations SET status = 'closed', closed_at = last_message_at + 3600000000
			WHERE status <> 'closed' AND id <= $1 AND $2 > 0`,
		// Open ones: statuses mixed, a tenth with a bot, three tenths the agent's.
		`UPDATE conversations SET status = CASE id % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'waiting' ELSE 'solved' END,
			bot = CASE WHEN id % 10 = 0 THEN 'bench-bot' END,
			assignee_id = CASE WHEN id % 10 IN (1, 2, 3) THEN CAST($2 AS BIGINT) END,
			waiting_since = created_at WHERE id > $1`,
		`INSERT INTO report_facts (conversation_id, queue_id, channel, created_at, updated_at)
			SELECT id, queue_id, channel, created_at, updated_at FROM conversations WHERE $1 >= 0 AND $2 > 0`,
	} {
		if _, err := db.ExecContext(ctx, q, open, int64(agent.ID)); err != nil {
			return nil, err
		}
	}
	if dialect == "postgres" {
		for _, t := range []string{"customers", "conversations", "messages"} {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT max(id) FROM `+t+`))`); err != nil {
				return nil, err
			}
		}
		// PostgreSQL's autovacuum analyzes a table this size; SQLite has
		// no statistics unless someone runs ANALYZE, so neither does the
		// benchmark's file.
		if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(out, "seed: %s rows, %s open conversations' state and report facts\n",
		info.Elapsed.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	if !cfg.Search && dialect == "sqlite" {
		// Mark the messages indexed, or the server's first write would
		// index them all (the *_fts_mark tables, see migrations 070, 310).
		for _, t := range []string{"messages", "customers", "conversations"} {
			if _, err := db.ExecContext(ctx, `UPDATE `+t+`_fts_mark SET last_id = (SELECT COALESCE(max(id), 0) FROM `+t+`)`); err != nil {
				return nil, err
			}
		}
	}
	if !cfg.Search && dialect == "postgres" {
		// The seed dropped the GIN indexes (suspendIndexing) and the
		// search vectors are generated columns, already written: build
		// the indexes, or every search would read the whole tables (with
		// the short pending list of migration 601).
		for _, t := range []string{"customers", "conversations", "messages"} {
			if _, err := db.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS `+t+`_search ON `+t+` USING gin (search) WITH (gin_pending_list_limit = 256)`); err != nil {
				return nil, err
			}
		}
	}
	if cfg.Search {
		start = time.Now()
		if err := store.ReindexSearch(sys); err != nil {
			return nil, fmt.Errorf("reindex: %w", err)
		}
		fmt.Fprintf(out, "search index build: %s\n", time.Since(start).Round(time.Millisecond))
	}
	if err := reportDisk(ctx, db, dialect, out); err != nil {
		fmt.Fprintf(out, "disk size: %v\n", err)
	}
	return LoadReadInfo(ctx, db, cfg.Search)
}

// LoadReadInfo reads from a seeded database the conversations and
// customers the agent may open (a sample spread over the whole table).
func LoadReadInfo(ctx context.Context, db *sql.DB, search bool) (*ReadInfo, error) {
	info := &ReadInfo{AgentEmail: ReadAgentEmail}
	var n int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM conversations`).Scan(&n); err != nil {
		return nil, err
	}
	info.Total = int(n)
	step := max(1, n/5000)
	rows, err := db.QueryContext(ctx, `SELECT c.id, c.customer_id FROM conversations c JOIN agents a ON a.email = $1
		JOIN queue_members m ON m.agent_id = a.id AND m.queue_id = c.queue_id WHERE c.id % $2 = 0 ORDER BY c.id`, ReadAgentEmail, step)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, cu int64
		if err := rows.Scan(&id, &cu); err != nil {
			return nil, err
		}
		info.Conversations = append(info.Conversations, desk.ID(id))
		info.Customers = append(info.Customers, desk.ID(cu))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(info.Conversations) == 0 {
		return nil, fmt.Errorf("bench read: the database holds no conversations the bench agent may open")
	}
	if search {
		g := newTextGen(7)
		info.Words = append(info.Words, "order", "delivery", "refund please", "thanks", "tracking number")
		info.Words = append(info.Words, g.rare[:40]...)
		info.Words = append(info.Words, "muller", "Jose Garcia", "deliv", "refu", "garc")
		info.Rare = g.rare[:40]
	}
	return info, nil
}

// ReadConfig configures the read load.
type ReadConfig struct {
	Target, Token string
	Conns         int
	Duration      time.Duration
	Warmup        time.Duration
	// Mixes are measured in order, each after /healthz and with /healthz
	// again at the end: lists, conversation, customer, search.
	Mixes []string
	Info  *ReadInfo
	// Server, when set, gives the server's CPU time and memory.
	Server *Server
	// Fresh sends Cache-Control: no-cache: every read is computed anew
	// (the read cache's miss path).
	Fresh bool
	// WriteEvery, when set, commits a write (the agent's status, through
	// the API) this often during each mix, so cached reads expire as
	// they do under continuous writes.
	WriteEvery time.Duration
}

// readReq picks the next request of a mix: its label and path.
type readGen func(r *rand.Rand, st *workerState) (label, path string)

type workerState struct {
	cursors map[string]string
	depth   map[string]int
	last    string
}

// ReadResult is one mix's measurement.
type ReadResult struct {
	Mix      string
	Requests int
	Errors   int
	Elapsed  time.Duration
	Latency  Latencies
	ByLabel  map[string]Latencies
	CPU      time.Duration // server CPU over the measured period
	DBCPU    time.Duration // the database's (Server.DBCPU), when read
	// Hits and Misses are the server's read cache lookups over the
	// measured period (switchboard_read_cache_lookups_total); -1 if the
	// server exports none.
	Hits, Misses int
	// Writes are the writes committed over the measured period.
	Writes int
	// FirstError is the first failed request's error, if any.
	FirstError string
}

// Rate is requests per second.
func (r *ReadResult) Rate() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// byName are the history's sorts by customer and by queue name: no index
// holds their order, so they sort every closed conversation the agent
// may see (measured apart, as mix history-by-name).
var byName = map[string]bool{"history/customer": true, "history/queue": true}

// listVariants are every view and sort of the conversation list, those of
// byName or the others.
func listVariants(named bool) []string {
	var out []string
	views := make([]string, 0, len(desk.ViewSorts))
	for v := range desk.ViewSorts {
		views = append(views, v)
	}
	sort.Strings(views)
	for _, v := range views {
		for _, s := range desk.ViewSorts[v] {
			if byName[v+"/"+s] == named {
				out = append(out, v+"/"+s)
			}
		}
	}
	return out
}

func readMix(name string, info *ReadInfo) (readGen, error) {
	conv := func(r *rand.Rand) string { return info.Conversations[r.IntN(len(info.Conversations))].String() }
	switch name {
	case "healthz":
		return func(*rand.Rand, *workerState) (string, string) { return "healthz", "/healthz" }, nil
	case "lists", "history-by-name":
		variants := listVariants(name == "history-by-name")
		return func(r *rand.Rand, st *workerState) (string, string) {
			v := variants[r.IntN(len(variants))]
			view, srt, _ := strings.Cut(v, "/")
			p := "/api/v1/conversations?limit=50&view=" + view + "&sort=" + srt
			// Every other request of a variant follows its next page, up
			// to 20 pages deep, so deep keyset pages are measured too.
			if c := st.cursors[v]; c != "" && st.depth[v] < 20 && r.IntN(2) == 0 {
				st.depth[v]++
				st.last = v
				return v + " (next page)", p + "&cursor=" + url.QueryEscape(c)
			}
			st.depth[v] = 0
			st.last = v
			return v, p
		}, nil
	case "conversation":
		// The workspace opens a conversation with these two requests.
		return func(r *rand.Rand, st *workerState) (string, string) {
			id := conv(r)
			if r.IntN(2) == 0 {
				return "conversation", "/api/v1/conversations/" + id
			}
			return "messages", "/api/v1/conversations/" + id + "/messages?limit=50"
		}, nil
	case "customer":
		return func(r *rand.Rand, st *workerState) (string, string) {
			id := info.Customers[r.IntN(len(info.Customers))].String()
			if r.IntN(2) == 0 {
				return "customer", "/api/v1/customers/" + id
			}
			return "history", "/api/v1/customers/" + id + "/conversations"
		}, nil
	case "search":
		if len(info.Words) == 0 {
			return nil, fmt.Errorf("bench read: the search mix needs the search index (seed without --no-search)")
		}
		return func(r *rand.Rand, st *workerState) (string, string) {
			return "search", "/api/v1/search?q=" + url.QueryEscape(info.Words[r.IntN(len(info.Words))])
		}, nil
	case "search-rare":
		if len(info.Rare) == 0 {
			return nil, fmt.Errorf("bench read: the search-rare mix needs the search index (seed without --no-search)")
		}
		return func(r *rand.Rand, st *workerState) (string, string) {
			return "search-rare", "/api/v1/search?q=" + url.QueryEscape(info.Rare[r.IntN(len(info.Rare))])
		}, nil
	}
	return nil, fmt.Errorf("bench read: unknown mix %q (lists, history-by-name, conversation, customer, search, search-rare)", name)
}

// Read measures /healthz, each mix, and /healthz again, and prints the
// results with each mix's ratio to /healthz.
func Read(ctx context.Context, cfg ReadConfig, out io.Writer) ([]*ReadResult, error) {
	if cfg.Conns <= 0 || cfg.Duration <= 0 {
		return nil, fmt.Errorf("bench: conns and duration must be positive")
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.Conns, MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns, DisableCompression: true}}
	defer client.CloseIdleConnections()
	mixes := append(append([]string{"healthz"}, cfg.Mixes...), "healthz")
	var results []*ReadResult
	for _, m := range mixes {
		gen, err := readMix(m, cfg.Info)
		if err != nil {
			return results, err
		}
		res, err := runRead(ctx, client, cfg, m, gen)
		if err != nil {
			return results, err
		}
		results = append(results, res)
	}
	health := (results[0].Rate() + results[len(results)-1].Rate()) / 2
	fmt.Fprintf(out, "%-14s %9s %8s %8s %8s %7s %9s %6s %9s %7s\n", "mix", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "CPU/req", "ratio", "cache hit", "writes")
	for _, r := range results {
		cpu, hits := "-", "-"
		if r.Requests > 0 && r.CPU > 0 {
			cpu = fmt.Sprintf("%.0f µs", float64(r.CPU.Microseconds())/float64(r.Requests))
		}
		if r.Hits >= 0 && r.Hits+r.Misses > 0 {
			hits = fmt.Sprintf("%.1f %%", 100*float64(r.Hits)/float64(r.Hits+r.Misses))
		}
		db := ""
		if r.Requests > 0 && r.DBCPU > 0 {
			// The database's CPU beside the server's (PostgreSQL).
			db = fmt.Sprintf("  db %.0f µs", float64(r.DBCPU.Microseconds())/float64(r.Requests))
		}
		fmt.Fprintf(out, "%-14s %9.0f %8.2f %8.2f %8.2f %7d %9s %6.3f %9s %7d%s\n", r.Mix, r.Rate(), ms(r.Latency.P50), ms(r.Latency.P95),
			ms(r.Latency.P99), r.Errors, cpu, r.Rate()/health, hits, r.Writes, db)
	}
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(out, "%s: %d errors, first: %.300s\n", r.Mix, r.Errors, r.FirstError)
		}
	}
	for _, r := range results {
		if len(r.ByLabel) <= 1 {
			continue
		}
		labels := make([]string, 0, len(r.ByLabel))
		for l := range r.ByLabel {
			labels = append(labels, l)
		}
		slices.Sort(labels)
		fmt.Fprintf(out, "%s by request:\n", r.Mix)
		for _, l := range labels {
			lat := r.ByLabel[l]
			fmt.Fprintf(out, "  %-42s %6d  p50 %6.2f  p95 %6.2f  p99 %6.2f ms\n", l, lat.Count, ms(lat.P50), ms(lat.P95), ms(lat.P99))
		}
	}
	if cfg.Server != nil {
		rss, _ := cfg.Server.RSS()
		anon, _ := cfg.Server.RSSAnon()
		fmt.Fprintf(out, "server RSS %.1f MB (own memory %.1f MB, the rest mapped database pages)\n", float64(rss)/1e6, float64(anon)/1e6)
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(out, "load average %s\n", strings.Join(strings.Fields(string(b))[:3], " "))
	}
	return results, nil
}

type sample struct {
	label string
	d     time.Duration
}

func runRead(ctx context.Context, client *http.Client, cfg ReadConfig, mix string, gen readGen) (*ReadResult, error) {
	var measuring atomic.Bool
	var errs atomic.Int64
	var firstErr atomic.Value
	samples := make([][]sample, cfg.Conns)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < cfg.Conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w)+1, 42))
			st := &workerState{cursors: map[string]string{}, depth: map[string]int{}}
			var buf bytes.Buffer
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				label, path := gen(r, st)
				start := time.Now()
				err := get(ctx, client, cfg.Target+path, cfg.Token, cfg.Fresh, &buf)
				d := time.Since(start)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Errorf("%s: %w", path, err))
					continue
				}
				if st.last != "" {
					st.cursors[st.last] = nextCursor(buf.Bytes())
					st.last = ""
				}
				if measuring.Load() {
					samples[w] = append(samples[w], sample{label, d})
				}
			}
		}(w)
	}
	var writes atomic.Int64
	if cfg.WriteEvery > 0 && mix != "healthz" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(cfg.WriteEvery)
			defer t.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case <-t.C:
				}
				status := [2]string{"busy", "away"}[i%2] // neither takes work: the data set stays as seeded
				if err := put(ctx, client, cfg.Target+"/api/v1/me/status", cfg.Token, `{"status":"`+status+`"}`); err != nil {
					firstErr.CompareAndSwap(nil, fmt.Errorf("write: %w", err))
					continue
				}
				if measuring.Load() {
					writes.Add(1)
				}
			}
		}()
	}
	sleep(ctx, cfg.Warmup)
	errs.Store(0)
	var cpu0, db0 time.Duration
	if cfg.Server != nil {
		cpu0, _ = cfg.Server.CPU()
		if cfg.Server.DBCPU != nil {
			db0 = cfg.Server.DBCPU()
		}
	}
	hits0, misses0 := cacheLookups(ctx, client, cfg.Target)
	measuring.Store(true)
	start := time.Now()
	sleep(ctx, cfg.Duration)
	measuring.Store(false)
	elapsed := time.Since(start)
	res := &ReadResult{Mix: mix, Elapsed: elapsed, ByLabel: map[string]Latencies{}, Hits: -1}
	if cfg.Server != nil {
		if cpu1, err := cfg.Server.CPU(); err == nil {
			res.CPU = cpu1 - cpu0
		}
		if cfg.Server.DBCPU != nil {
			res.DBCPU = cfg.Server.DBCPU() - db0
		}
	}
	if hits1, misses1 := cacheLookups(ctx, client, cfg.Target); hits0 >= 0 && hits1 >= 0 {
		res.Hits, res.Misses = hits1-hits0, misses1-misses0
	}
	close(stop)
	wg.Wait()
	res.Writes = int(writes.Load())
	var all []time.Duration
	byLabel := map[string][]time.Duration{}
	for _, s := range samples {
		for _, x := range s {
			all = append(all, x.d)
			byLabel[x.label] = append(byLabel[x.label], x.d)
		}
	}
	res.Requests, res.Errors, res.Latency = len(all), int(errs.Load()), Summarize(all)
	for l, d := range byLabel {
		res.ByLabel[l] = Summarize(d)
	}
	// Errors (timeouts of a slow build included) are counted and shown,
	// even where no request of a mix succeeded.
	if err, ok := firstErr.Load().(error); ok {
		res.FirstError = err.Error()
	}
	return res, ctx.Err()
}

// nextCursor finds a list's next_cursor without decoding the page.
func nextCursor(b []byte) string {
	const key = `"next_cursor":"`
	i := bytes.LastIndex(b, []byte(key))
	if i < 0 {
		return ""
	}
	b = b[i+len(key):]
	j := bytes.IndexByte(b, '"')
	if j < 0 {
		return ""
	}
	return string(b[:j])
}

// cacheLookups reads the server's read cache hits and misses from
// /metrics; -1, -1 if it exports none (an older build).
func cacheLookups(ctx context.Context, c *http.Client, target string) (hits, misses int) {
	var buf bytes.Buffer
	if err := get(ctx, c, target+"/metrics", "", false, &buf); err != nil {
		return -1, -1
	}
	hits, misses = -1, -1
	for _, line := range strings.Split(buf.String(), "\n") {
		for label, dst := range map[string]*int{`{result="hit"} `: &hits, `{result="miss"} `: &misses} {
			if v, ok := strings.CutPrefix(line, "switchboard_read_cache_lookups_total"+label); ok {
				f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
				*dst = int(f)
			}
		}
	}
	if hits < 0 || misses < 0 {
		return -1, -1
	}
	return hits, misses
}

// put sends a JSON body with PUT and discards the answer.
func put(ctx context.Context, c *http.Client, url, token, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func get(ctx context.Context, c *http.Client, url, token string, fresh bool, buf *bytes.Buffer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if fresh {
		req.Header.Set("Cache-Control", "no-cache")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, bytes.TrimSpace(buf.Bytes()))
	}
	return nil
}
