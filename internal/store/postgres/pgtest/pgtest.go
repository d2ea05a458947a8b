// Package pgtest gives tests outside the postgres package a PostgreSQL
// store of their own: a fresh schema of the test database, dropped when
// the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// URL is the PostgreSQL tests run against: SWITCHBOARD_TEST_POSTGRES, or
// the one scripts/ensure-services.sh starts.
func URL() string {
	if u := os.Getenv("SWITCHBOARD_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// FreshSchema creates an empty schema and returns a URL whose connections
// use it, dropping it when the test ends. Unreachable PostgreSQL fails the
// test under CI and skips it (loudly) elsewhere; -short skips it.
func FreshSchema(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("PostgreSQL: not in the fast tier (-short); the full tier runs it")
	}
	admin, err := sql.Open("pgx", URL())
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL unreachable at %s under CI: %v", URL(), err)
		}
		tb.Skipf("SKIPPING PostgreSQL: unreachable at %s: %v", URL(), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "sb_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, _ := url.Parse(URL())
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a store on a fresh schema, closed when the test ends.
func Open(tb testing.TB, clock desk.Clock) *sqlstore.Store {
	tb.Helper()
	return OpenWith(tb, clock, sqlstore.Options{})
}

// OpenWith is Open with the store's options.
func OpenWith(tb testing.TB, clock desk.Clock, opts sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	s, err := postgres.OpenWith(context.Background(), FreshSchema(tb), clock, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
