package sqlite_test

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
)

// TestSearchIndexMarks checks the batch indexing of messages, customers
// and conversations (migrations 070, 310) against the tables: after
// ordinary ingests, and after the highest rows were deleted and their IDs
// reused (no AUTOINCREMENT), each FTS5 index holds exactly its table's
// rows (integrity-check with rank 1 compares the index with its content).
func TestSearchIndexMarks(t *testing.T) {
	s := sqlitetest.Open(t, desk.SystemClock{})
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	ingest := func(from, id string) *desk.IngestResult {
		t.Helper()
		res, err := s.IngestMessage(ctx, &desk.InboundMessage{Channel: "api", From: from, To: "desk", Text: "hello " + id, ExternalID: id})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	check := func(when string) {
		t.Helper()
		if err := s.IndexPending(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tb := range []string{"messages_fts", "customers_fts", "conversations_fts"} {
			if _, err := s.DB().ExecContext(ctx, `INSERT INTO `+tb+`(`+tb+`, rank) VALUES ('integrity-check', 1)`); err != nil {
				t.Fatalf("%s: %s: %v", when, tb, err)
			}
		}
	}
	ingest("+15550001", "a1")
	ingest("+15550001", "a2")
	b := ingest("+15550002", "b1")
	check("after ingest")
	// The highest customer, conversation and message go (as retention or
	// an erasure would delete them); the next ones take their IDs.
	for _, q := range []string{`DELETE FROM messages WHERE conversation_id = $1`, `DELETE FROM conversations WHERE id = $1`} {
		if _, err := s.DB().ExecContext(ctx, q, int64(b.Conversation.ID)); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`DELETE FROM contacts WHERE customer_id = $1`, `DELETE FROM customers WHERE id = $1`} {
		if _, err := s.DB().ExecContext(ctx, q, int64(b.Customer.ID)); err != nil {
			t.Fatal(err)
		}
	}
	check("after delete")
	c := ingest("+15550003", "c1")
	if c.Customer.ID != b.Customer.ID || c.Conversation.ID != b.Conversation.ID || c.Message.ID != b.Message.ID {
		t.Logf("IDs not reused (%v %v %v, were %v %v %v): the check still holds", c.Customer.ID, c.Conversation.ID, c.Message.ID,
			b.Customer.ID, b.Conversation.ID, b.Message.ID)
	}
	check("after reuse")
}
