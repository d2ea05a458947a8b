package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestSeedSearchSQL seeds a small data set through the database's own
// statements and checks its shape: every conversation with its messages,
// alternating in and out, text with the generator's words, and the
// messages' indexes and triggers back in place after the load.
func TestSeedSearchSQL(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testSeedSearchSQL(t, "sqlite", sqlitetest.Open(t, desk.SystemClock{})) })
	t.Run("postgres", func(t *testing.T) { testSeedSearchSQL(t, "postgres", pgtest.Open(t, desk.SystemClock{})) })
}

func testSeedSearchSQL(t *testing.T, dialect string, store *sqlstore.Store) {
	ctx := context.Background()
	db := store.DB()
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	q := &desk.Queue{Name: "Seed"}
	if err := store.CreateQueue(sys, q); err != nil {
		t.Fatal(err)
	}
	cfg := SeedConfig{Messages: 5000, Conversations: 1000, Customers: 300, Seed: 7}
	if _, err := SeedSearch(ctx, db, dialect, cfg, []int64{int64(q.ID)}, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	var msgs, convs, in, orphans int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT conversation_id), sum(CASE WHEN direction = 'in' THEN 1 ELSE 0 END),
		count(*) FILTER (WHERE conversation_id NOT IN (SELECT id FROM conversations)) FROM messages`).Scan(&msgs, &convs, &in, &orphans); err != nil {
		t.Fatal(err)
	}
	if msgs != 5000 || convs != 1000 || in != 3000 || orphans != 0 {
		t.Fatalf("%d messages in %d conversations, %d in, %d orphans; want 5000 in 1000, 3000 in", msgs, convs, in, orphans)
	}
	var phone string
	if err := db.QueryRow(`SELECT contact_address FROM conversations WHERE id = 4`).Scan(&phone); err != nil || phone != newTextGen(7).phone(4) {
		t.Fatalf("conversation 4's address %q (%v), want the customer's phone %q", phone, err, newTextGen(7).phone(4))
	}
	restoredQ, leftQ := `SELECT count(*) FROM sqlite_master WHERE name IN ('messages_conversation', 'messages_external', 'messages_row_version_insert')`,
		`SELECT count(*) FROM sqlite_master WHERE name LIKE 'sb_seed_%'`
	if dialect == "postgres" {
		restoredQ = `SELECT (SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('messages_conversation', 'messages_external'))
			+ (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'messages'::regclass AND tgname = 'messages_row_version' AND tgenabled = 'O')`
		leftQ = `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'sb_seed_%'`
	}
	var restored int
	if err := db.QueryRow(restoredQ).Scan(&restored); err != nil || restored != 3 {
		t.Fatalf("%d of the messages' indexes and triggers restored (%v)", restored, err)
	}
	var left int
	if err := db.QueryRow(leftQ).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d pool tables left (%v)", left, err)
	}
}
