package storetest

import (
	"strconv"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testHistoryCap shows F3's ceiling: "show more" pages through a
// customer's history up to desk.HistoryMaxTotal conversations and no
// further. The 1,000-odd old conversations are copied in one SQL
// statement: ingesting them one by one would only slow the suite.
func testHistoryCap(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Q")
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	first := f.MustIngest("+15550777", "hc1", "hello", q.ID).Conversation
	closed := desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, first.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	db := f.s
	const extra = desk.HistoryMaxTotal + 4
	if _, err := db.DB().Exec(`WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < `+strconv.Itoa(extra)+`)
		INSERT INTO conversations (channel, customer_id, status, priority, queue_id, contact_address, sender_address, created_at, updated_at, closed_at)
		SELECT c.channel, c.customer_id, c.status, c.priority, c.queue_id, c.contact_address, c.sender_address,
			c.created_at - seq.n * 1000000, c.updated_at, c.closed_at FROM conversations c, seq WHERE c.id = $1`, int64(first.ID)); err != nil {
		t.Fatal(err)
	}
	ctx := f.as(sup)
	total, pages, cursor := 0, 0, ""
	for {
		page, next, err := f.s.FindCustomerConversations(ctx, first.CustomerID, desk.HistoryFilter{Cursor: cursor, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		total += len(page)
		pages++
		if next == "" {
			break
		}
		if pages > 10 {
			t.Fatal("show more never ends")
		}
		cursor = next
	}
	if total != desk.HistoryMaxTotal {
		t.Fatalf("history lists %d conversations of %d, want at most %d", total, extra+1, desk.HistoryMaxTotal)
	}
}
