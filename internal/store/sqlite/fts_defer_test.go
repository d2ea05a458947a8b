package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
)

// TestSearchIndexesDeferredRows checks the deferred indexing of issue 22:
// a write transaction soon after one that indexed leaves its rows above
// the marks, and a search indexes them before it reads, so it still finds
// the message, its conversation and its customer.
func TestSearchIndexesDeferredRows(t *testing.T) {
	s := sqlitetest.Open(t, desk.SystemClock{})
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	ingest := func(from, text, id string) {
		t.Helper()
		if _, err := s.IngestMessage(ctx, &desk.InboundMessage{Channel: "api", From: from, To: "desk", Text: text, ExternalID: id}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(table, match string) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE `+table+` MATCH $1`, match).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ingest("+15550001", "first words", "a1") // indexes: nothing was before it
	start := time.Now()
	ingest("+15550002", "quokka sighting", "b1")
	if time.Since(start) < 50*time.Millisecond {
		// Well inside the interval: the second transaction left its rows.
		if n := count("messages_fts", "quokka"); n != 0 {
			t.Fatalf("the second message was indexed in its own transaction (%d matches)", n)
		}
		if n := count("customers_fts", `"15550002"*`); n != 0 {
			t.Fatalf("the second customer was indexed in its own transaction (%d matches)", n)
		}
	}
	res, err := s.Search(ctx, desk.SearchQuery{Text: "quokka"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages.Items) != 1 || res.Messages.Items[0].Snippet != "quokka sighting" {
		t.Fatalf("search found %+v, want the deferred message", res.Messages.Items)
	}
	if n := count("messages_fts", "quokka"); n != 1 {
		t.Fatalf("after the search the index holds %d matches, want 1", n)
	}
	res, err = s.Search(ctx, desk.SearchQuery{Text: "15550002"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Customers.Items) != 1 {
		t.Fatalf("search found customers %+v, want the deferred customer", res.Customers.Items)
	}
	for _, tb := range []string{"messages_fts", "customers_fts", "conversations_fts"} {
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO `+tb+`(`+tb+`, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
	}
}
