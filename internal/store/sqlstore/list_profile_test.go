package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestProfileListPages explains and times every list page of the read
// benchmark on a seeded PostgreSQL schema (issue 22, profiling only):
// SB_LIST_PROFILE_DB=URL SB_LIST_PROFILE_SCHEMA=schema go test -run TestProfileListPages -v
func TestProfileListPages(t *testing.T) {
	url, schema := os.Getenv("SB_LIST_PROFILE_DB"), os.Getenv("SB_LIST_PROFILE_SCHEMA")
	if url == "" || schema == "" {
		t.Skip("SB_LIST_PROFILE_DB and SB_LIST_PROFILE_SCHEMA not set")
	}
	ctx := context.Background()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET search_path TO `+schema); err != nil {
		t.Fatal(err)
	}
	var agentID int64
	if err := conn.QueryRowContext(ctx, `SELECT id FROM agents WHERE email = 'read-bench@example.com'`).Scan(&agentID); err != nil {
		t.Fatal(err)
	}
	var pid int
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	rounds := 200
	if s := os.Getenv("SB_LIST_PROFILE_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	agent := &desk.Actor{AgentID: desk.ID(agentID), Role: desk.RoleAgent}
	super := &desk.Actor{AgentID: desk.ID(agentID), Role: desk.RoleSupervisor}
	onlyAgent := os.Getenv("SB_LIST_PROFILE_AGENT_ONLY") != ""
	var views []string
	for v := range desk.ViewSorts {
		views = append(views, v)
	}
	sort.Strings(views)
	var total, totalPlan time.Duration
	var n int
	for _, view := range views {
		for _, srt := range desk.ViewSorts[view] {
			if view == desk.ViewHistory && (srt == desk.SortCustomer || srt == desk.SortQueue) {
				continue // mix history-by-name
			}
			for _, a := range []*desk.Actor{agent, super} {
				if onlyAgent && a == super {
					continue
				}
				f := desk.ConversationFilter{View: view, Sort: srt}
				for _, variant := range []string{"first", "cursor"} {
					if variant == "cursor" {
						// The first page's last row: the second page.
						page, args, numeric, err := sqlstore.ListPage(a, f, true)
						if err != nil {
							t.Fatal(err)
						}
						f.Cursor = lastCursor(t, conn, page, args, numeric)
						if f.Cursor == "" {
							continue
						}
					}
					page, args, _, err := sqlstore.ListPage(a, f, true)
					if err != nil {
						t.Fatal(err)
					}
					name := view + "/" + srt + "/" + string(a.Role) + "/" + variant
					plan := explainText(t, conn, `EXPLAIN (ANALYZE, BUFFERS) `+page, args)
					cpu := backendCPU(t, conn, pid, page, args, rounds)
					pt, et := planTime(plan)
					total += cpu
					totalPlan += pt
					n++
					t.Logf("%-40s cpu %6.1f µs  plan %5.1f exec %6.1f µs  %s", name, float64(cpu.Nanoseconds())/1e3, float64(pt.Nanoseconds())/1e3, float64(et.Nanoseconds())/1e3, summary(plan))
					if os.Getenv("SB_LIST_PROFILE_PLANS") != "" {
						t.Logf("%s\n%s", page, plan)
					}
				}
			}
		}
	}
	t.Logf("mean backend CPU a page %.1f µs, planning (explain, custom plan) %.1f µs, over %d pages", float64(total.Nanoseconds())/1e3/float64(n), float64(totalPlan.Nanoseconds())/1e3/float64(n), n)
}

func lastCursor(t *testing.T, conn *sql.Conn, page string, args []any, numeric bool) string {
	rows, err := conn.QueryContext(context.Background(), page, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var key any
	var id int64
	count := 0
	for rows.Next() {
		var k sql.NullInt64
		var s string
		var v, c int64
		var dest any = &k
		if !numeric {
			dest = &s
		}
		var rid int64
		if err := rows.Scan(&rid, dest, &v, &c); err != nil {
			t.Fatal(err)
		}
		count++
		if count == 50 {
			id = rid
			if numeric {
				key = k.Int64
			} else {
				key = s
			}
		}
	}
	if count <= 50 {
		return ""
	}
	return sqlstore.PageCursor(key, id)
}

func explainText(t *testing.T, conn *sql.Conn, q string, args []any) string {
	rows, err := conn.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

var (
	rePlanTime = regexp.MustCompile(`Planning Time: ([0-9.]+) ms`)
	reExecTime = regexp.MustCompile(`Execution Time: ([0-9.]+) ms`)
	reRemoved  = regexp.MustCompile(`Rows Removed by Filter: (\d+)`)
	reHeap     = regexp.MustCompile(`Heap Fetches: (\d+)`)
	reBuffers  = regexp.MustCompile(`Buffers: shared hit=(\d+)`)
	reNode     = regexp.MustCompile(`(Index Only Scan|Index Scan|Bitmap Heap Scan|Seq Scan|Incremental Sort|Sort|Nested Loop|Hash Join)( Backward)?( using (\w+))?`)
)

func planTime(plan string) (p, e time.Duration) {
	if m := rePlanTime.FindStringSubmatch(plan); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		p = time.Duration(f * 1e6)
	}
	if m := reExecTime.FindStringSubmatch(plan); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		e = time.Duration(f * 1e6)
	}
	return p, e
}

func summary(plan string) string {
	var removed, heap int
	for _, m := range reRemoved.FindAllStringSubmatch(plan, -1) {
		v, _ := strconv.Atoi(m[1])
		removed += v
	}
	for _, m := range reHeap.FindAllStringSubmatch(plan, -1) {
		v, _ := strconv.Atoi(m[1])
		heap += v
	}
	buf := ""
	if m := reBuffers.FindStringSubmatch(plan); m != nil {
		buf = m[1]
	}
	var nodes []string
	for _, m := range reNode.FindAllStringSubmatch(plan, -1) {
		nodes = append(nodes, strings.TrimSpace(m[1]+m[2]+" "+m[4]))
	}
	return fmt.Sprintf("removed %d heap %d buf %s  %s", removed, heap, buf, strings.Join(nodes, " > "))
}

// backendCPU runs q rounds times on conn and returns the backend's CPU a
// run (/proc/pid/schedstat: time on a CPU, in ns).
func backendCPU(t *testing.T, conn *sql.Conn, pid int, q string, args []any, rounds int) time.Duration {
	ctx := context.Background()
	run := func() {
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	}
	for i := 0; i < 10; i++ {
		run()
	}
	before := procCPU(t, pid)
	for i := 0; i < rounds; i++ {
		run()
	}
	return (procCPU(t, pid) - before) / time.Duration(rounds)
}

func procCPU(t *testing.T, pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/schedstat")
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := strconv.ParseInt(strings.Fields(string(b))[0], 10, 64)
	return time.Duration(ns)
}

// TestProfileListPagesCold is TestProfileListPages's cost of a page's
// first runs on a new connection (the prepare and the custom plans
// PostgreSQL makes for a prepared statement's first five runs), against
// its later runs (issue 22, profiling only).
func TestProfileListPagesCold(t *testing.T) {
	url, schema := os.Getenv("SB_LIST_PROFILE_DB"), os.Getenv("SB_LIST_PROFILE_SCHEMA")
	if url == "" || schema == "" {
		t.Skip("SB_LIST_PROFILE_DB and SB_LIST_PROFILE_SCHEMA not set")
	}
	ctx := context.Background()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxIdleConns(0)
	var agentID int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM `+schema+`.agents WHERE email = 'read-bench@example.com'`).Scan(&agentID); err != nil {
		t.Fatal(err)
	}
	agent := &desk.Actor{AgentID: desk.ID(agentID), Role: desk.RoleAgent}
	var first, later [10]time.Duration
	n := 0
	for _, view := range []string{desk.ViewAll, desk.ViewMine, desk.ViewUnassigned, desk.ViewHistory} {
		for _, srt := range desk.ViewSorts[view] {
			if view == desk.ViewHistory && (srt == desk.SortCustomer || srt == desk.SortQueue) {
				continue
			}
			page, args, _, err := sqlstore.ListPage(agent, desk.ConversationFilter{View: view, Sort: srt}, true)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, `SET search_path TO `+schema); err != nil {
				t.Fatal(err)
			}
			var pid int
			if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 10; i++ {
				before := procCPU(t, pid)
				rows, err := conn.QueryContext(ctx, page, args...)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				first[i] += procCPU(t, pid) - before
			}
			before := procCPU(t, pid)
			for i := 0; i < 100; i++ {
				rows, err := conn.QueryContext(ctx, page, args...)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
			}
			later[0] += (procCPU(t, pid) - before) / 100
			conn.Close()
			n++
		}
	}
	for i := range first {
		t.Logf("run %d on a new connection: %.1f µs", i+1, float64(first[i].Nanoseconds())/1e3/float64(n))
	}
	t.Logf("runs 11-110: %.1f µs a run (mean over %d pages)", float64(later[0].Nanoseconds())/1e3/float64(n), n)
}
