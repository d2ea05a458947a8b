package bench

import (
	"strings"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for n, want := range map[int]string{10000: "10⁴", 50000: "5·10⁴", 1000000: "10⁶", 10000000: "10⁷", 1234: "1234"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestGrowthRowMarkdown(t *testing.T) {
	cols := strings.Count(strings.SplitN(GrowthHeader, "\n", 2)[0], "|")
	r := GrowthRow{Store: "sqlite", Messages: 100000, Conversations: 50000, Workload: "lists, repeated", Rate: 1234,
		P50: 2 * time.Millisecond, P99: 30 * time.Millisecond, CPU: 150 * time.Microsecond, Ratio: 0.25,
		RSS: 100e6, RSSAnon: 40e6, DBSize: 80e6, Load: "1.00 2.00 3.00"}
	line := r.Markdown()
	if got := strings.Count(line, "|"); got != cols {
		t.Fatalf("row has %d cells' bars, header %d: %s", got, cols, line)
	}
	for _, want := range []string{"10⁵ (5·10⁴)", "| 1234 |", "| 2.00 | 30.00 |", "150 µs | — |", "0.250", "100 (40)"} {
		if !strings.Contains(line, want) {
			t.Errorf("row %q lacks %q", line, want)
		}
	}
	// The drain: no latency, no ratio, no server memory.
	line = GrowthRow{Store: "postgres", Messages: 10000, Conversations: 5000, Workload: "drain", Rate: 10, DBCPU: time.Millisecond}.Markdown()
	if strings.Count(line, "|") != cols || !strings.Contains(line, "| — | — | — | 1000 µs | — | — |") {
		t.Errorf("drain row: %s", line)
	}
}

func TestReadGrowthRows(t *testing.T) {
	res := []*ReadResult{
		{Mix: "healthz", Requests: 1000, Elapsed: time.Second},
		{Mix: "lists", Requests: 100, Elapsed: time.Second, CPU: 100 * time.Millisecond, Hits: 3, Misses: 1},
		{Mix: "healthz", Requests: 3000, Elapsed: time.Second},
	}
	rows := ReadGrowthRows(GrowthRow{Store: "sqlite"}, res, ", miss")
	if len(rows) != 1 || rows[0].Workload != "lists, miss" || rows[0].CPU != time.Millisecond || rows[0].Ratio != 0.05 ||
		rows[0].Note != "75 % cache hits" {
		t.Fatalf("rows = %+v", rows)
	}
}
