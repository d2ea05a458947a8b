package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/search"
)

// TestGroupExprLongPrefix checks that a last word longer than the prefix
// indexes is asked as typed while its postings are few, and cut to the
// covered prefix once they are many: a rare word must not read every
// record of a wider prefix, a common one must not merge its whole doclist.
func TestGroupExprLongPrefix(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
		CREATE VIRTUAL TABLE messages_fts_vocab USING fts5vocab(messages_fts, instance)`); err != nil {
		t.Fatal(err)
	}
	add := func(text string, n int) {
		for i := 0; i < n; i++ {
			if _, err := db.Exec(`INSERT INTO messages_fts(text) VALUES (?)`, text); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("tracking quabrizenjin", 3)
	add("quabrizenkala arrived", exactPrefixPostings+5)
	add("Délivery delivered deliveries", exactPrefixPostings)
	ctx := context.Background()
	f := &ftsSearch{}
	for _, c := range []struct{ typed, want string }{
		{"quabrizenjin", `"quabrizenjin"*`},               // 3 postings: as typed
		{"quabrizen", `"quabri"*`},                        // exactPrefixPostings + 8 postings: cut
		{"deliver", `"delive"*`},                          // 3 × exactPrefixPostings: cut
		{"order quabrizenj", `"order" AND "quabrizenj"*`}, // last word as typed
		{"deliv", `"deliv"*`},                             // covered by a prefix index
		{"quabrizenjin ", `"quabrizenjin"*`},
	} {
		got, err := f.GroupExpr(ctx, db, desk.SearchMessages, search.Parse(c.typed))
		if err != nil {
			t.Fatal(err)
		} else if got != c.want {
			t.Errorf("%q: %s, want %s", c.typed, got, c.want)
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?`, got).Scan(&n); err != nil {
			t.Fatalf("%s: %v", got, err)
		} else if strings.Contains(c.want, "quabrizenjin") && n != 3 {
			t.Errorf("%s matched %d, want 3", got, n)
		}
	}
	// The probe's answer is reused: more postings since do not change
	// it until probeTTL has passed; a new index asks anew.
	add("quabrizenjin again", exactPrefixPostings+1)
	q := search.Parse("quabrizenjin")
	if got, _ := f.GroupExpr(ctx, db, desk.SearchMessages, q); got != `"quabrizenjin"*` {
		t.Errorf("cached: %s", got)
	}
	if got, _ := (&ftsSearch{}).GroupExpr(ctx, db, desk.SearchMessages, q); got != `"quabri"*` {
		t.Errorf("probed anew: %s", got)
	}
}
