package storetest

import (
	"context"
	"database/sql"
	"sort"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// BenchReport seeds n conversations with report facts over 90 days (raw
// SQL, for speed) and measures a 90-day report grouped by day in Berlin:
// ns/op is the mean, p95-ms the 95th percentile of the runs.
func BenchReport(b *testing.B, s *sqlstore.Store, db *sql.DB, n int) {
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var queue int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM queues ORDER BY id LIMIT 1`).Scan(&queue); err != nil {
		b.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	conv, err := tx.PrepareContext(ctx, `INSERT INTO conversations (id, channel, status, priority, queue_id, created_at, updated_at) VALUES ($1, $2, 'solved', 'normal', $3, $4, $4)`)
	if err != nil {
		b.Fatal(err)
	}
	fact, err := tx.PrepareContext(ctx, `INSERT INTO report_facts (conversation_id, queue_id, channel, created_at, first_response_at, first_response_secs,
		first_response_business_secs, resolved_at, resolution_secs, resolution_business_secs, handle_secs, reopens, sla_applied, sla_breached,
		survey_sent, survey_rating, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $8, $8, $9, $10, $11, $12, $13, $4)`)
	if err != nil {
		b.Fatal(err)
	}
	channels := []string{"sms", "email", "whatsapp"}
	span := int64(90 * 24 * time.Hour / time.Microsecond)
	for i := 1; i <= n; i++ {
		created := start.UnixMicro() + int64(i)*span/int64(n)
		frt := int64(60 + i%7200)
		resolved := created + int64(3600+i%86400)*1e6
		var rating any
		if i%3 == 0 {
			rating = 1 + i%5
		}
		if _, err := conv.ExecContext(ctx, 1_000_000_000+i, channels[i%3], queue, created); err != nil {
			b.Fatal(err)
		}
		if _, err := fact.ExecContext(ctx, 1_000_000_000+i, queue, channels[i%3], created, created+frt*1e6, frt, resolved,
			(resolved-created)/1e6, i%10, i%2 == 0, i%11 == 0, i%2 == 0, rating); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	sup := desk.NewContextWithActor(ctx, &desk.Actor{Name: "sup", Role: desk.RoleSupervisor, AgentID: 1})
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rows, err := report.Run(sup, s, report.Request{From: "2026-01-01", To: "2026-04-01", Group: report.GroupDay, TimeZone: "Europe/Berlin"})
		if err != nil || len(rows) < 89 {
			b.Fatalf("report: %d rows, %v", len(rows), err)
		}
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
}
