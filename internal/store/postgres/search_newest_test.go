package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestSearchNewestFirst: a prefix that starts no common lexeme but
// thousands of rare ones (the long tail: 'stovo':* matched 1,800 messages
// at 10⁶, 19,000 at 10⁷) is listed newest range first, so the table is
// read for about the window's matches, not all of them; the IDs are
// exactly the newest matches below the cursor, whatever the cursor.
// Without ListNewest the store chose one GIN query, which read all 6,000.
func TestSearchNewestFirst(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, freshSchema(t), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	db := s.DB()
	queue := &desk.Queue{Name: "Search"}
	if err := s.CreateQueue(desk.NewContextWithActor(ctx, desk.SystemActor), queue); err != nil {
		t.Fatal(err)
	}
	// 6,000 messages, one distinct "stovoN" word each, IDs 100 apart (37
	// recency buckets of 16,384 IDs), among 6,000 of a common word.
	for _, q := range []string{
		`INSERT INTO conversations (id, channel, status, priority, topic, queue_id, contact_address, sender_address, created_at, updated_at)
			VALUES (1, 'sms', 'open', 'normal', '', ` + fmt.Sprint(queue.ID) + `, '+15550001', 'support', 1, 1)`,
		`INSERT INTO messages (id, conversation_id, kind, direction, type, text, channel, from_addr, to_addr, created_at)
			SELECT i * 100, 1, 'message', 'in', 'text', 'stovo' || i || ' please ' || repeat('x', 400), 'sms', '+15550001', 'support', i FROM generate_series(1, 6000) i`,
		`INSERT INTO messages (id, conversation_id, kind, direction, type, text, channel, from_addr, to_addr, created_at)
			SELECT i * 100 + 50, 1, 'message', 'in', 'text', 'please help', 'sms', '+15550001', 'support', i FROM generate_series(1, 6000) i`,
		// As built by switchboard reindex: GIN's pending list (fastupdate)
		// would be read whole by every GIN scan.
		`SELECT gin_clean_pending_list('messages_search'::regclass)`,
		`ANALYZE messages`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	q := search.Parse("stovo")
	how, stmt, err := postgres.ChooseListing(ctx, db, desk.SearchMessages, q)
	if err != nil {
		t.Fatal(err)
	}
	if how != sqlstore.ListNewest {
		t.Fatalf("listing of 'stovo' = %v, want ListNewest", how)
	}
	for _, before := range []int64{math.MaxInt64, 600_001, 150_000, 20_050, 101} {
		var want []int64
		for i := int64(6000); i >= 1 && len(want) < 250; i-- {
			if i*100 < before {
				want = append(want, i*100)
			}
		}
		args := []any{postgres.Expr(q), before, 250}
		rows, err := db.QueryContext(ctx, stmt, args...)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if rows.Close(); !slices.Equal(got, want) {
			t.Fatalf("before %d: %d IDs %v…, want %d %v…", before, len(got), got[:min(3, len(got))], len(want), want[:min(3, len(want))])
		}
		if before != math.MaxInt64 {
			continue
		}
		// One GIN query reads all 6,000 (about 15 rows a page); newest
		// first, the 501 of the probe and about twice the window.
		all := pagesRead(t, db, `SELECT id FROM messages WHERE search @@ to_tsquery('simple', $1) AND id + 0 < $2 ORDER BY id + 0 DESC LIMIT $3`, args)
		if read := pagesRead(t, db, stmt, args); read > all/2 {
			t.Errorf("the newest 250 of 6,000 matches read %.0f pages (one GIN query: %.0f), want at most half", read, all)
		} else {
			t.Logf("pages read: %.0f (one GIN query: %.0f)", read, all)
		}
	}
}

// pagesRead is how many pages the statement read (EXPLAIN's shared
// buffers, hit or read, the function's inner queries included).
func pagesRead(t *testing.T, db *sql.DB, stmt string, args []any) float64 {
	t.Helper()
	// 12,000 rows make a sequential scan look cheaper than GIN; at scale
	// it is not.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var out string
	if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	// Twice: the first run also compiles and plans the function's query
	// (catalog pages).
	for range 2 {
		if err := tx.QueryRow(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) `+stmt, args...).Scan(&out); err != nil {
			t.Fatal(err)
		}
	}
	var plan []struct{ Plan map[string]any }
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	hit, _ := plan[0].Plan["Shared Hit Blocks"].(float64)
	read, _ := plan[0].Plan["Shared Read Blocks"].(float64)
	return hit + read
}

// TestSearchPendingListShort: the search indexes keep GIN's pending list
// at 256 kB (migration 601; every GIN scan reads the whole list, 4 MB by
// default), after the migrations and after a rebuild (switchboard
// reindex).
func TestSearchPendingListShort(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, freshSchema(t), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	check := func(when string) {
		t.Helper()
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_class
			WHERE oid IN ('messages_search'::regclass, 'conversations_search'::regclass, 'customers_search'::regclass)
			AND 'gin_pending_list_limit=256' = ANY(reloptions)`).Scan(&n); err != nil {
			t.Fatal(err)
		} else if n != 3 {
			t.Errorf("%s: %d of the 3 search indexes have gin_pending_list_limit=256", when, n)
		}
	}
	check("migrated")
	if err := s.ReindexSearch(desk.NewContextWithActor(ctx, desk.SystemActor)); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
}
