package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
)

// stepClock is a clock that moves a second at each reading.
type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

// TestTouchInPlace: messages into a conversation within a minute update
// its row in place (HOT): the touch changes no indexed column (migration
// 400), so none of the conversation's ~22 index entries is written again.
// Before it, every message's touch was a new row version in every index.
// And once a message: the touch's version bump stands for the new
// message's (migration 401), where the message's trigger wrote the row a
// second time.
func TestTouchInPlace(t *testing.T) {
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	clock := &stepClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	s, err := postgres.Open(ctx, freshSchema(t), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	ingest := func(i int) {
		t.Helper()
		if _, err := s.IngestMessage(ctx, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550001", To: "support",
			Text: "message", ExternalID: fmt.Sprintf("m%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ingest(0) // opens the conversation
	// Updates and in-place updates of conversations so far, as the
	// statistics tell them within a second of the backends' work.
	counts := func() (upd, hot int64) {
		t.Helper()
		if err := db.QueryRow(`SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = 'conversations'`).Scan(&upd, &hot); err != nil {
			t.Fatal(err)
		}
		return upd, hot
	}
	time.Sleep(1500 * time.Millisecond)
	u0, h0 := counts()
	const n = 20 // 20 s of the clock: within the minute
	for i := 1; i <= n; i++ {
		ingest(i)
	}
	deadline := time.Now().Add(10 * time.Second)
	u, h := counts()
	for u-u0 < n && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		u, h = counts()
	}
	if u-u0 < n {
		t.Fatalf("%d conversation updates seen for %d messages", u-u0, n)
	}
	time.Sleep(1500 * time.Millisecond) // any later ones
	if u, h = counts(); u-u0 != n {
		t.Fatalf("%d conversation updates for %d messages, want one each", u-u0, n)
	}
	if moved := (u - u0) - (h - h0); moved > 1 {
		t.Fatalf("%d of %d conversation updates for %d messages were not in place (HOT)", moved, u-u0, n)
	}
}
