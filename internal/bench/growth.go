package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// GrowthRow is one workload measured on one data set size (`switchboard
// bench growth`, issue 22's "How cost grows").
type GrowthRow struct {
	Store         string // sqlite or postgres
	Messages      int    // the data set's size: messages seeded
	Conversations int    // and conversations
	Workload      string
	Rate          float64 // operations per second
	P50, P99      time.Duration
	// CPU is the server's CPU time per operation (for the drain: the
	// process running the store and the Assigner).
	CPU time.Duration
	// DBCPU is PostgreSQL's CPU time per operation (its backends serving
	// the server); 0 on SQLite, which runs inside the server.
	DBCPU time.Duration
	// Ratio is Rate over GET /healthz of the same server in the same
	// run; 0 when not measured (the drain runs in process).
	Ratio float64
	// RSS and RSSAnon are the server's resident memory after the
	// workload, and of it the process's own (not mapped file pages).
	RSS, RSSAnon int64
	// DBSize is the data set's size before the server starts: the
	// database file (SQLite, with any WAL) or the schema's tables with
	// their indexes and TOAST (PostgreSQL).
	DBSize int64
	Load   string // load average (1, 5, 15 min) after the workload
	Note   string // cache hits, errors
}

// GrowthHeader is the table's header, in Markdown.
const GrowthHeader = "| store | messages (conversations) | workload | ops/s | p50 ms | p99 ms | server CPU/op | PostgreSQL CPU/op | ratio to /healthz | server RSS MB (own) | database MB (as seeded) | load | note |\n" +
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|"

// Markdown is the row as a line of GrowthHeader's table.
func (r GrowthRow) Markdown() string {
	ratio, rss := "—", "—"
	if r.Ratio > 0 {
		ratio = fmt.Sprintf("%.3f", r.Ratio)
	}
	if r.RSS > 0 {
		rss = fmt.Sprintf("%.0f (%.0f)", float64(r.RSS)/1e6, float64(r.RSSAnon)/1e6)
	}
	cpu, dbcpu := "—", "—"
	if r.CPU > 0 {
		cpu = fmt.Sprintf("%.0f µs", float64(r.CPU.Nanoseconds())/1e3)
	}
	if r.DBCPU > 0 {
		dbcpu = fmt.Sprintf("%.0f µs", float64(r.DBCPU.Nanoseconds())/1e3)
	}
	p50, p99 := "—", "—"
	if r.P99 > 0 {
		p50, p99 = fmt.Sprintf("%.2f", ms(r.P50)), fmt.Sprintf("%.2f", ms(r.P99))
	}
	return fmt.Sprintf("| %s | %s (%s) | %s | %.0f | %s | %s | %s | %s | %s | %s | %.0f | %s | %s |",
		r.Store, Count(r.Messages), Count(r.Conversations), r.Workload, r.Rate, p50, p99, cpu, dbcpu, ratio, rss,
		float64(r.DBSize)/1e6, r.Load, r.Note)
}

// Count writes powers of ten as 10⁴ … 10⁷, other numbers as they are.
func Count(n int) string {
	sup := []string{"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}
	for e, p := 1, 10; e < 10; e, p = e+1, p*10 {
		if n == p {
			return "10" + sup[e]
		}
		if n == 5*p {
			return "5·10" + sup[e]
		}
	}
	return fmt.Sprint(n)
}

// ReadGrowthRows turns one Read run (healthz, mixes…, healthz) into
// rows, workload names suffixed with suffix.
func ReadGrowthRows(base GrowthRow, results []*ReadResult, suffix string) []GrowthRow {
	if len(results) < 2 {
		return nil
	}
	health := (results[0].Rate() + results[len(results)-1].Rate()) / 2
	var rows []GrowthRow
	for _, r := range results[1 : len(results)-1] {
		row := base
		row.Workload = r.Mix + suffix
		row.Rate, row.P50, row.P99 = r.Rate(), r.Latency.P50, r.Latency.P99
		if r.Requests > 0 {
			row.CPU = r.CPU / time.Duration(r.Requests)
			row.DBCPU = r.DBCPU / time.Duration(r.Requests)
		}
		if health > 0 {
			row.Ratio = r.Rate() / health
		}
		var notes []string
		if r.Hits >= 0 && r.Hits+r.Misses > 0 {
			notes = append(notes, fmt.Sprintf("%.0f %% cache hits", 100*float64(r.Hits)/float64(r.Hits+r.Misses)))
		}
		if r.Errors > 0 {
			notes = append(notes, fmt.Sprintf("%d errors", r.Errors))
		}
		row.Note = strings.Join(notes, ", ")
		rows = append(rows, row)
	}
	return rows
}

// HealthzRate is GET /healthz per second of target with conns
// connections over d: the reference a workload's rate is divided by.
func HealthzRate(ctx context.Context, target string, conns int, d time.Duration) float64 {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	defer client.CloseIdleConnections()
	return healthzRate(ctx, client, target, conns, d)
}

// LoadAverage is /proc/loadavg's first three fields, or "?".
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

// FprintGrowth writes the rows as one Markdown table.
func FprintGrowth(w io.Writer, rows []GrowthRow) {
	fmt.Fprintln(w, GrowthHeader)
	for _, r := range rows {
		fmt.Fprintln(w, r.Markdown())
	}
}
