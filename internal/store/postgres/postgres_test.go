package postgres_test

import (
	"context"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// freshSchema and testURL are pgtest's, which the other packages' tests
// on PostgreSQL share.
func freshSchema(t *testing.T) string { return pgtest.FreshSchema(t) }

func testURL() string { return pgtest.URL() }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store {
		s, err := postgres.OpenWith(context.Background(), freshSchema(t), clock, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestConcurrentOpen starts several stores on one empty schema at once, as
// several nodes starting together do: migrations and the Default queue
// must come out exactly once.
func TestConcurrentOpen(t *testing.T) {
	u := freshSchema(t)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			s, err := postgres.Open(context.Background(), u, desk.SystemClock{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	s, err := postgres.Open(context.Background(), u, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	qs, _, _ := s.FindQueues(desk.NewContextWithActor(context.Background(), desk.SystemActor), desk.QueueFilter{})
	if len(qs) != 1 {
		t.Fatalf("%d queues after concurrent start, want the Default queue once", len(qs))
	}
}

// TestSearchRanges runs the range-by-range search over IDs tens of
// thousands apart, moving the sequences ahead between clusters, so that
// matches fall into many recency buckets (migration 090) with empty ones
// between them.
func TestSearchRanges(t *testing.T) {
	var u string
	open := func(t *testing.T, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store {
		u = freshSchema(t)
		s, err := postgres.OpenWith(context.Background(), u, clock, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	storetest.SearchRanges(t, open, func(t *testing.T, s *sqlstore.Store, table string, next int64) {
		if _, err := s.DB().Exec(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, table, next); err != nil {
			t.Fatal(err)
		}
	}, func(t *testing.T, s *sqlstore.Store) *sqlstore.Store {
		if _, err := s.DB().Exec(`ANALYZE messages, conversations, customers`); err != nil {
			t.Fatal(err)
		}
		s2, err := postgres.Open(context.Background(), u, desk.SystemClock{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s2.Close() })
		return s2
	})
}

// TestReadCacheSeesOtherNode checks that a read cached on one node
// sees what another node (a second store on the same schema) committed:
// the generation it is cached under is the database's snapshot.
func TestReadCacheSeesOtherNode(t *testing.T) {
	u := freshSchema(t)
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	a, err := postgres.Open(ctx, u, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, u, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	storetest.ReadCacheSeesOtherWriter(t, a, b)
}
