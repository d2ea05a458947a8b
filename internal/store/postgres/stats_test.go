package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
)

// TestStatsKeeper: a table analyzed while empty (messages, customers and
// conversations, by migration 090) is analyzed again by the store once it
// has grown past twice its counted rows, so the cached plans over it are
// made again from its real size; updates, and growth short of twice, leave
// it alone.
func TestStatsKeeper(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, freshSchema(t), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	counted := func() float64 {
		t.Helper()
		var n float64
		if err := db.QueryRow(`SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := func(n int) {
		t.Helper()
		if _, err := db.Exec(`INSERT INTO customers (sort_name, contacts, search_terms, created_at, updated_at)
			SELECT 'c' || i, '[]', '', 0, 0 FROM generate_series(1, $1) i`, n); err != nil {
			t.Fatal(err)
		}
	}
	waitCounted := func(want float64) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for counted() != want {
			if time.Now().After(deadline) {
				t.Fatalf("customers counted %v rows, want %v: not analyzed", counted(), want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if n := counted(); n != 0 {
		t.Fatalf("customers counted %v rows after the migrations, want 0 (analyzed empty)", n)
	}
	insert(300)
	waitCounted(300)
	// Updates and growth to less than twice: left alone.
	if _, err := db.Exec(`UPDATE customers SET sort_name = sort_name || 'x'`); err != nil {
		t.Fatal(err)
	}
	insert(200)
	time.Sleep(5 * time.Second) // two looks of the keeper, and the statistics' second of delay
	if n := counted(); n != 300 {
		t.Fatalf("customers counted %v rows after updates and 500 rows of 300 counted, want 300 (left alone)", n)
	}
	insert(200)
	waitCounted(700)
}
