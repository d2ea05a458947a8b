package postgres_test

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
)

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
