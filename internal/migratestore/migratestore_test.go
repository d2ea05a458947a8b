package migratestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// conformanceDatabases runs the store conformance suite on SQLite,
// keeping every database it made, and returns a few that together have
// rows in every table any of them has rows in (a greedy cover), with
// those tables.
func conformanceDatabases(t *testing.T) ([]string, map[string]bool) {
	dir := t.TempDir()
	var mu sync.Mutex
	var paths []string
	t.Run("seed", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store {
			mu.Lock()
			p := filepath.Join(dir, fmt.Sprintf("db%04d.db", len(paths)))
			paths = append(paths, p)
			mu.Unlock()
			s, err := sqlite.OpenWith(context.Background(), p, clock, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	full := map[string]map[string]bool{}
	all := map[string]bool{}
	for _, p := range paths {
		db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			if !notCopied(n) {
				names = append(names, n)
			}
		}
		rows.Close()
		full[p] = map[string]bool{}
		for _, n := range names {
			var any bool
			if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM ` + quote(n) + `)`).Scan(&any); err != nil {
				t.Fatal(err)
			}
			if any {
				full[p][n] = true
				all[n] = true
			}
		}
		db.Close()
	}
	covered := map[string]bool{}
	var chosen []string
	for len(covered) < len(all) {
		best, gain := "", 0
		for _, p := range paths {
			g := 0
			for n := range full[p] {
				if !covered[n] {
					g++
				}
			}
			if g > gain {
				best, gain = p, g
			}
		}
		chosen = append(chosen, best)
		for n := range full[best] {
			covered[n] = true
		}
	}
	return chosen, all
}

// migrate copies the SQLite database at path into a fresh PostgreSQL
// schema, stopping after stopAfter batches first when it is set.
func migrate(t *testing.T, path string, stopAfter int) (*Report, string) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.FreshSchema(t)
	ps, err := postgres.Open(ctx, url, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	src, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if stopAfter > 0 {
		c := &Copier{Src: src, Dst: conn, Batch: 3, stopAfter: stopAfter}
		if _, err := c.Run(ctx); !errors.Is(err, errInterrupted) {
			t.Fatalf("interrupted copy: %v", err)
		}
	}
	rep, err := (&Copier{Src: src, Dst: conn, Batch: 3}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stopAfter > 0 && !rep.Resumed {
		t.Fatal("the second run did not resume")
	}
	if err := ps.ReindexSearch(desk.NewContextWithActor(ctx, desk.SystemActor)); err != nil {
		t.Fatal(err)
	}
	return rep, url
}

// TestConformanceDataRoundTrip copies the databases the conformance
// suite leaves behind (chosen so every table with rows is covered) into
// PostgreSQL, one of them interrupted and resumed, and checks that every
// table verifies (row counts and checksums, computed from each store's
// own reading of the rows) and that a second copy into the same target
// is refused.
func TestConformanceDataRoundTrip(t *testing.T) {
	pgtest.FreshSchema(t) // skips (or fails under CI) without PostgreSQL
	paths, tables := conformanceDatabases(t)
	for _, must := range []string{"messages", "conversations", "attachments", "agents", "sessions", "calls", "events"} {
		if !tables[must] {
			t.Errorf("the conformance data has no %s rows to copy", must)
		}
	}
	var names []string
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	t.Logf("%d databases cover the %d tables with rows: %v", len(paths), len(names), names)
	for i, p := range paths {
		stop := 0
		if i == 0 {
			stop = 4 // interrupted after 4 batches, then resumed
		}
		rep, url := migrate(t, p, stop)
		var rows int64
		for _, tr := range rep.Tables {
			rows += tr.Rows
		}
		if rows == 0 || rows != rep.Rows {
			t.Fatalf("%s: %d rows copied", p, rows)
		}
		if i == 0 {
			mustDetectTampering(t, p, url, rep)
		}
		// A second copy into a target holding an installation is refused.
		ctx := context.Background()
		src, _ := sql.Open("sqlite", "file:"+p+"?mode=ro")
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&Copier{Src: src, Dst: conn}).Run(ctx); err == nil {
			t.Fatalf("copy of %s into a used target succeeded: %+v", p, rep.Tables)
		}
		conn.Close(ctx)
		src.Close()
	}
}

// mustDetectTampering changes one copied value in PostgreSQL and checks
// that the verification notices.
func mustDetectTampering(t *testing.T, path, url string, rep *Report) {
	t.Helper()
	ctx := context.Background()
	src, _ := sql.Open("sqlite", "file:"+path+"?mode=ro")
	defer src.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tables, err := planTables(ctx, src, conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Copier{Src: src, Dst: conn}).verify(ctx, tables, &Report{}); err != nil {
		t.Fatalf("verify after the copy: %v", err)
	}
	if _, err := conn.Exec(ctx, `UPDATE conversations SET topic = topic || '!' WHERE id = (SELECT min(id) FROM conversations)`); err != nil {
		t.Fatal(err)
	}
	if err := (&Copier{Src: src, Dst: conn}).verify(ctx, tables, &Report{}); err == nil {
		t.Fatal("a changed conversation topic passed verification")
	}
}
