package sqlstore_test

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// listPageCases are every view and sort of the conversation list, as an
// agent of some queues and as a supervisor, on the first page and after
// a cursor. (A status or queue filter may be read through the indexes
// led by those columns instead, then sorted: the planner's choice.)
func listPageCases(t *testing.T) []struct {
	name  string
	actor *desk.Actor
	f     desk.ConversationFilter
} {
	t.Helper()
	type c = struct {
		name  string
		actor *desk.Actor
		f     desk.ConversationFilter
	}
	var out []c
	agent := &desk.Actor{AgentID: 7, Role: desk.RoleAgent}
	super := &desk.Actor{AgentID: 8, Role: desk.RoleSupervisor}
	for view, sorts := range desk.ViewSorts {
		for _, sort := range sorts {
			for _, a := range []*desk.Actor{agent, super} {
				for _, variant := range []string{"first", "cursor"} {
					f := desk.ConversationFilter{View: view, Sort: sort}
					switch variant {
					case "cursor":
						var key any = int64(1700000000000000)
						if sort == desk.SortStatus || sort == desk.SortCustomer || sort == desk.SortQueue {
							key = "m"
						}
						f.Cursor = sqlstore.PageCursor(key, 42)
					}
					if err := f.Validate(); err != nil {
						t.Fatal(err)
					}
					out = append(out, c{view + "/" + sort + "/" + string(a.Role) + "/" + variant, a, f})
				}
			}
		}
	}
	return out
}

// TestListPagesReadIndexOnly checks the plan of every list page (issue
// 22): the page is read from one list index in the sort's order, with
// no table look-up per candidate row (the access condition and the view's
// filter are read from the index, migration 420) and no sort.
func TestListPagesReadIndexOnly(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db := sqlitetest.Open(t, desk.SystemClock{}).DB()
		for _, tc := range listPageCases(t) {
			page, args, _, err := sqlstore.ListPage(tc.actor, tc.f, false)
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, db, `EXPLAIN QUERY PLAN `+page, args, 3)
			if !strings.Contains(plan, "SCAN c USING COVERING INDEX conversations_") && !strings.Contains(plan, "SEARCH c USING COVERING INDEX conversations_") ||
				strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%s: the page is not read from one list index alone:\n%s\n%s", tc.name, plan, page)
			}
		}
	})
	// PostgreSQL keeps a conversation's touch in place (HOT, migration
	// 400): no index may hold a column every message changes, so neither
	// row_version nor the pending key is in one. Every page reads its IDs
	// from one list index alone, in the sort's order (the access condition
	// and the view's filter from its INCLUDE columns, migration 500), and
	// the table only for the page's rows, by primary key: no sort of the
	// candidates (the pending sorts order the rows of their minutes).
	t.Run("postgres", func(t *testing.T) {
		db := pgtest.Open(t, desk.SystemClock{}).DB()
		ctx := context.Background()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		// An empty table: without these the planner reads it whole.
		if _, err := tx.Exec(`SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off`); err != nil {
			t.Fatal(err)
		}
		for _, tc := range listPageCases(t) {
			page, args, _, err := sqlstore.ListPage(tc.actor, tc.f, true)
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, tx, `EXPLAIN `+page, args, 0)
			if !listIndexOnly.MatchString(plan) || tableScan.MatchString(plan) || fullSort.MatchString(plan) && !strings.Contains(tc.name, "pending") {
				t.Errorf("%s: the page's IDs are not read from one list index alone, in order:\n%s\n%s", tc.name, plan, page)
			}
			// After a cursor the walk starts at the cursor's key (an index
			// condition), not at the index's first entry.
			if tc.f.Cursor != "" && !cursorStart.MatchString(plan) {
				t.Errorf("%s: the page after a cursor does not start its walk at the cursor:\n%s\n%s", tc.name, plan, page)
			}
		}
	})
}

// listIndexOnly matches an index-only scan of a list index; tableScan a
// scan that reads the conversations table other than by primary key.
var (
	listIndexOnly = regexp.MustCompile(`Index Only Scan (Backward )?using conversations_(open|bots|closed)\w* on conversations`)
	cursorStart   = regexp.MustCompile(`Index Cond: \(\(?(status|customer_sort_key|queue_sort_key|closed_at|pending_minute) [<>]=`)
	tableScan     = regexp.MustCompile(`(Index Scan (Backward )?using conversations_(open|bots|closed)|Seq Scan on conversations|Bitmap Heap Scan on conversations)`)
)

// fullSort matches a plan's node that sorts all its input (not an
// incremental sort of presorted groups).
var fullSort = regexp.MustCompile(`(?m)^\s*(->\s+)?Sort\s+\(`)

// explain returns the plan's lines: column col of each row.
func explain(t *testing.T, db interface {
	Query(string, ...any) (*sql.Rows, error)
}, q string, args []any, col int) string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		dest := make([]any, len(cols))
		var s string
		for i := range dest {
			if i == col {
				dest[i] = &s
			} else {
				dest[i] = new(any)
			}
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
