package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
)

// ReportConfig is the conversation reports benchmark (issue 23).
type ReportConfig struct {
	Dialect       string // "sqlite" or "postgres"
	Conversations int    // conversations (one fact each) over 90 days
	Duration      time.Duration
	Reuse         bool // measure an earlier run's data set
}

// ReportStore is what the report benchmark needs of the store: queues to
// seed, the recorder's roll-up and the reports' reads. Both SQL stores are
// all of it.
type ReportStore interface {
	CreateQueue(ctx context.Context, q *desk.Queue) error
	RollUpReportFacts(ctx context.Context, limit int) (int, error)
	report.Store
}

// reportStart is the first day of the seeded 90 days.
var reportStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Report seeds conversations and their report facts over 90 days (SQL
// side, for speed), adds the facts to the rollups through the recorder's
// own code (RollUpReportFacts), then runs each report shape for the
// duration and prints its latencies. The fact rows are made up (no
// messages behind them): the benchmark measures reading reports.
func Report(ctx context.Context, s ReportStore, db *sql.DB, cfg ReportConfig, out io.Writer) error {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	var queues []desk.ID
	if cfg.Reuse {
		rows, err := db.QueryContext(ctx, `SELECT id FROM queues WHERE name LIKE 'Report queue %' ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id desk.ID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			queues = append(queues, id)
		}
		rows.Close()
		if len(queues) == 0 {
			return fmt.Errorf("bench report: --reuse found no earlier data set")
		}
	} else {
		for i := 1; i <= 10; i++ {
			q := &desk.Queue{Name: fmt.Sprintf("Report queue %d", i)}
			if err := s.CreateQueue(sys, q); err != nil {
				return err
			}
			queues = append(queues, q.ID)
		}
		t0 := time.Now()
		if err := seedReportFacts(ctx, db, cfg, queues); err != nil {
			return err
		}
		fmt.Fprintf(out, "seeded %d conversations and facts in %.1f s\n", cfg.Conversations, time.Since(t0).Seconds())
	}
	// Facts not yet in the rollups (all of them after seeding).
	{
		t0 := time.Now()
		total := 0
		for {
			n, err := s.RollUpReportFacts(sys, 500000)
			if err != nil {
				return err
			}
			if total += n; n == 0 {
				break
			}
		}
		var cells int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM report_rollup`).Scan(&cells); err != nil {
			return err
		}
		if total > 0 {
			fmt.Fprintf(out, "rolled up %d facts into %d cells in %.1f s\n", total, cells, time.Since(t0).Seconds())
			if cfg.Dialect == "postgres" {
				// As autovacuum would have by the time anyone asks (it may
				// be off on a test server): the roll-up left a dead version
				// of every fact, and the planner has no statistics yet.
				for _, t := range []string{"report_facts", "report_rollup"} {
					if _, err := db.ExecContext(ctx, `VACUUM ANALYZE `+t); err != nil {
						return err
					}
				}
			}
		}
	}
	sup := desk.NewContextWithActor(ctx, &desk.Actor{Name: "report-bench", Role: desk.RoleSupervisor, AgentID: 1})
	q, agent := queues[3], desk.ID(800000007)
	base := report.Request{From: "2026-01-01", To: "2026-04-01", TimeZone: "Europe/Berlin"}
	shapes := []struct {
		name string
		edit func(r *report.Request)
	}{
		{"total", func(r *report.Request) { r.Group = report.GroupNone }},
		{"by day", func(r *report.Request) { r.Group = report.GroupDay }},
		{"by week", func(r *report.Request) { r.Group = report.GroupWeek }},
		{"by hour (UTC)", func(r *report.Request) { r.Group, r.TimeZone = report.GroupHour, "UTC" }},
		{"by queue", func(r *report.Request) { r.Group = report.GroupQueue }},
		{"by channel", func(r *report.Request) { r.Group = report.GroupChannel }},
		{"by agent", func(r *report.Request) { r.Group = report.GroupAgent }},
		{"by tag", func(r *report.Request) { r.Group = report.GroupTag }},
		{"by day, one queue", func(r *report.Request) { r.Group, r.Filter.QueueID = report.GroupDay, &q }},
		{"by day, one agent", func(r *report.Request) { r.Group, r.Filter.AgentID = report.GroupDay, &agent }},
		{"by week, one tag", func(r *report.Request) { r.Group, r.Filter.Tag = report.GroupWeek, "vip" }},
		{"by agent, one queue", func(r *report.Request) { r.Group, r.Filter.QueueID = report.GroupAgent, &q }},
		{"by day, one queue+agent", func(r *report.Request) {
			r.Group, r.Filter.QueueID, r.Filter.AgentID = report.GroupDay, &q, &agent
		}},
		{"by queue, one tag", func(r *report.Request) { r.Group, r.Filter.Tag = report.GroupQueue, "vip" }},
		{"by tag, one agent", func(r *report.Request) { r.Group, r.Filter.AgentID = report.GroupTag, &agent }},
		{"by agent, one queue (facts)", func(r *report.Request) {
			r.Group, r.Filter.QueueID, r.Source = report.GroupAgent, &q, report.SourceFacts
		}},
		// The same question as "by day", from the facts (as before rollups).
		{"by day (facts, for comparison)", func(r *report.Request) { r.Group, r.Source = report.GroupDay, report.SourceFacts }},
	}
	fmt.Fprintf(out, "90-day reports over %d conversations, %s, load average %s\n", cfg.Conversations, cfg.Dialect, loadAverage())
	per := cfg.Duration / time.Duration(len(shapes))
	for _, sh := range shapes {
		req := base
		sh.edit(&req)
		var samples []time.Duration
		var rows int
		for end := time.Now().Add(per); time.Now().Before(end) || len(samples) < 3; {
			t0 := time.Now()
			got, err := report.Run(sup, s, req)
			if err != nil {
				return fmt.Errorf("%s: %w", sh.name, err)
			}
			samples = append(samples, time.Since(t0))
			rows = len(got)
		}
		Summarize(samples).Fprint(out, fmt.Sprintf("%-28s %5d rows", sh.name, rows))
	}
	fmt.Fprintf(out, "load average after: %s\n", loadAverage())
	return nil
}

// loadAverage is the first three fields of /proc/loadavg ("?" elsewhere).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// seedReportFacts inserts conversations and facts numbered 1..n in the
// database (a series generated by SQL): spread evenly over 90 days, ten
// queues, four channels, 50 agents (every 51st has none), a quarter
// untagged, 10% unanswered, 20% unresolved, and varied durations,
// reopens, SLA results and survey ratings.
func seedReportFacts(ctx context.Context, db *sql.DB, cfg ReportConfig, queues []desk.ID) error {
	series := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n`
	if cfg.Dialect == "postgres" {
		series = `SELECT i FROM generate_series(1, $1::bigint) i`
	}
	queue := "CASE i % 10"
	for k, id := range queues {
		queue += fmt.Sprintf(" WHEN %d THEN %d", k, int64(id))
	}
	queue += " END"
	channel := `CASE i % 4 WHEN 0 THEN 'sms' WHEN 1 THEN 'email' WHEN 2 THEN 'whatsapp' ELSE 'livechat' END`
	span := int64(90 * 24 * time.Hour / time.Microsecond)
	step := span / int64(cfg.Conversations)
	created := fmt.Sprintf("(%d + i * %d)", reportStart.UnixMicro(), step)
	if _, err := db.ExecContext(ctx, `INSERT INTO conversations (id, channel, status, priority, queue_id, created_at, updated_at)
		SELECT 2000000000 + i, `+channel+`, 'solved', 'normal', `+queue+`, `+created+`, `+created+` FROM (`+series+`) s`, cfg.Conversations); err != nil {
		return fmt.Errorf("seed conversations: %w", err)
	}
	frt := `(60 + (i * 37) % 7200)`
	res := `(3600 + (i * 13) % 172800)`
	answered := `i % 10 <> 0`
	resolved := `i % 5 <> 0`
	_, err := db.ExecContext(ctx, `INSERT INTO report_facts (conversation_id, queue_id, channel, agent_id, created_at, first_response_at,
		first_response_secs, first_response_business_secs, resolved_at, resolution_secs, resolution_business_secs, handle_secs, reopens,
		sla_applied, sla_breached, survey_sent, survey_rating, tags, updated_at)
		SELECT 2000000000 + i, `+queue+`, `+channel+`,
		CASE WHEN (i * 7) % 51 = 0 THEN NULL ELSE 800000000 + (i * 7) % 51 END, `+created+`,
		CASE WHEN `+answered+` THEN `+created+` + `+frt+` * 1000000 END,
		CASE WHEN `+answered+` THEN `+frt+` END, CASE WHEN `+answered+` THEN `+frt+` / 2 END,
		CASE WHEN `+resolved+` THEN `+created+` + `+res+` * 1000000 END,
		CASE WHEN `+resolved+` THEN `+res+` END, CASE WHEN `+resolved+` THEN `+res+` / 3 END,
		CASE WHEN `+resolved+` AND (i * 7) % 51 <> 0 THEN `+res+` - 600 END,
		CASE WHEN i % 10 = 3 THEN 1 ELSE 0 END,
		i % 2 = 0, i % 11 = 0, `+resolved+` AND i % 2 = 0,
		CASE WHEN `+resolved+` AND i % 2 = 0 AND i % 3 = 0 THEN 1 + i % 5 END,
		CASE i % 4 WHEN 0 THEN '[]' WHEN 1 THEN '["t' || CAST(i % 20 AS TEXT) || '"]'
			WHEN 2 THEN '["t' || CAST(i % 20 AS TEXT) || '","vip"]' ELSE '["billing"]' END,
		`+created+` FROM (`+series+`) s`, cfg.Conversations)
	if err != nil {
		return fmt.Errorf("seed facts: %w", err)
	}
	return nil
}
