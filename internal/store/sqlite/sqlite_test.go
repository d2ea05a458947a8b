package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store {
		return sqlitetest.OpenWith(t, clock, opts)
	})
}

// TestReopenKeepsData shows migrations are idempotent and data persists.
func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	s, err := sqlite.Open(ctx, path, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := s.FindDefaultQueue(ctx)
	s.CreateQueue(ctx, &desk.Queue{Name: "Sales"})
	s.Close()
	s, err = sqlite.Open(ctx, path, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	def2, _ := s.FindDefaultQueue(ctx)
	qs, _, _ := s.FindQueues(ctx, desk.QueueFilter{})
	if def2.ID != def.ID || len(qs) != 2 {
		t.Fatalf("after reopen: default %v→%v, %d queues", def.ID, def2.ID, len(qs))
	}
}

// TestSearchRanges runs the paging checks of the range-by-range search on
// SQLite too, with dense IDs (its FTS5 indexes need no ranges).
func TestSearchRanges(t *testing.T) {
	storetest.SearchRanges(t, func(t *testing.T, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store {
		s, err := sqlite.OpenWith(context.Background(), filepath.Join(t.TempDir(), "test.db"), clock, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, func(*testing.T, *sqlstore.Store, string, int64) {}, func(_ *testing.T, s *sqlstore.Store) *sqlstore.Store { return s })
}

// TestReadCacheSeesOtherProcess checks that a read cached over one
// store sees what another store on the same file (another process, such
// as the CLI) committed: the generation it is cached under is the file's.
func TestReadCacheSeesOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	a, err := sqlite.Open(ctx, path, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(ctx, path, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	storetest.ReadCacheSeesOtherWriter(t, a, b)
}
