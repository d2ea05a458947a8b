package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// BenchWallboard seeds 20 queues holding `waiting` waiting conversations
// and `ended` waits that ended in the last hour (raw SQL, for speed), then
// measures the wallboard's reads: every queue (the board's first and
// periodic read, and GET /api/v1/wallboard) and one queue (what a change
// costs). docs/benchmarks.md records the figures.
func BenchWallboard(b *testing.B, db *sql.DB, s desk.WallboardStore, waiting, ended int) {
	ctx := context.Background()
	now := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	var queues []int64
	for i := range 20 {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO queues (name, is_default, auto_assign, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
			fmt.Sprintf("bench-%d", i), false, false, now.UnixMicro()).Scan(&id); err != nil {
			b.Fatal(err)
		}
		queues = append(queues, id)
	}
	conv, err := tx.PrepareContext(ctx, `INSERT INTO conversations (id, channel, status, priority, queue_id, created_at, updated_at, waiting_since)
		VALUES ($1, $2, $5, 'normal', $3, $4, $4, $4)`)
	if err != nil {
		b.Fatal(err)
	}
	wait, err := tx.PrepareContext(ctx, `INSERT INTO queue_waits (queue_id, channel, conversation_id, started_at, ended_at, outcome) VALUES ($1, $2, $3, $4, $5, $6)`)
	if err != nil {
		b.Fatal(err)
	}
	channels := []string{"sms", "email", "whatsapp", "livechat"}
	for i := 1; i <= waiting+ended; i++ {
		at := now.Add(-time.Duration(i%3600) * time.Second).UnixMicro()
		q := queues[i%len(queues)]
		status := "open"
		if i > waiting {
			status = "solved"
		}
		if _, err := conv.ExecContext(ctx, 2_000_000_000+i, channels[i%4], q, at, status); err != nil {
			b.Fatal(err)
		}
		if i > waiting {
			outcome := "answered"
			if i%10 == 0 {
				outcome = "abandoned"
			}
			if _, err := wait.ExecContext(ctx, q, channels[i%4], 2_000_000_000+i, at, at+int64(i%120)*1e6, outcome); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	sup := desk.NewContextWithActor(ctx, &desk.Actor{Name: "sup", Role: desk.RoleSupervisor, AgentID: 1})
	since := now.Add(-desk.WallboardWindow)
	b.Run("all-queues", func(b *testing.B) {
		for b.Loop() {
			d, err := s.WallboardData(sup, nil, since)
			if err != nil || len(d.Queues) < 20 {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-queue", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.WallboardData(sup, []desk.ID{desk.ID(queues[3])}, since); err != nil {
				b.Fatal(err)
			}
		}
	})
}
