package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
)

// TestSeedSearchSQL seeds a small data set through the database's own
// statements and checks its shape: every conversation with its messages,
// alternating in and out, text with the generator's words, and the
// messages' indexes and triggers back in place after the load.
func TestSeedSearchSQL(t *testing.T) {
	ctx := context.Background()
	store := sqlitetest.Open(t, desk.SystemClock{})
	db := store.DB()
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	q := &desk.Queue{Name: "Seed"}
	if err := store.CreateQueue(sys, q); err != nil {
		t.Fatal(err)
	}
	cfg := SeedConfig{Messages: 5000, Conversations: 1000, Customers: 300, Seed: 7}
	if _, err := SeedSearch(ctx, db, "sqlite", cfg, []int64{int64(q.ID)}, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	var msgs, convs, in, orphans int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT conversation_id), sum(direction = 'in'),
		sum(conversation_id NOT IN (SELECT id FROM conversations)) FROM messages`).Scan(&msgs, &convs, &in, &orphans); err != nil {
		t.Fatal(err)
	}
	if msgs != 5000 || convs != 1000 || in != 3000 || orphans != 0 {
		t.Fatalf("%d messages in %d conversations, %d in, %d orphans; want 5000 in 1000, 3000 in", msgs, convs, in, orphans)
	}
	var phone string
	if err := db.QueryRow(`SELECT contact_address FROM conversations WHERE id = 4`).Scan(&phone); err != nil || phone != newTextGen(7).phone(4) {
		t.Fatalf("conversation 4's address %q (%v), want the customer's phone %q", phone, err, newTextGen(7).phone(4))
	}
	var restored int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name IN ('messages_conversation', 'messages_external', 'messages_row_version_insert')`).Scan(&restored); err != nil || restored != 3 {
		t.Fatalf("%d of the messages' indexes and triggers restored (%v)", restored, err)
	}
	var left int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'sb_seed_%'`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d pool tables left (%v)", left, err)
	}
}
