package sqlite_test

import (
	"database/sql"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/search"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// FuzzExpr checks that no typed text becomes an FTS5 syntax error: every
// parsed query, rendered as an expression, runs. `go test -fuzz FuzzExpr`
// explores further than the seed corpus run by `go test`.
func FuzzExpr(f *testing.F) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
		INSERT INTO t(x) VALUES ('Anna Müller 4915123456789 order')`); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`"`, `a"b`, `AND`, `OR NOT`, `NEAR(a b)`, `col:x`, `^x`, `*`, `(`, `-x`, `{a b}`, `日本語`, `😀`,
		"e\u0301", `(800) 100-20000`, `Müll`, `deliveries`, "\x00", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := search.Parse(s)
		if q.Empty() {
			return
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t WHERE t MATCH ?`, sqlite.Expr(q)).Scan(&n); err != nil {
			t.Fatalf("%q as %q: %v", s, sqlite.Expr(q), err)
		}
	})
}
