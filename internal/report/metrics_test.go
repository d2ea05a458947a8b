package report

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestSummarise(t *testing.T) {
	cases := []struct {
		in       []float64
		med, p90 float64
	}{
		{[]float64{5}, 5, 5},
		{[]float64{30, 10, 20}, 20, 30},
		{[]float64{4, 1, 3, 2}, 2.5, 4},
		// Nearest rank: ceil(0.9*10) = 9th of 10.
		{[]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5.5, 9},
	}
	for _, tc := range cases {
		d := summarise(tc.in)
		if d.Count != len(tc.in) || *d.MedianSeconds != tc.med || *d.P90Seconds != tc.p90 {
			t.Errorf("summarise(%v) = %d %v %v, want %v %v", tc.in, d.Count, *d.MedianSeconds, *d.P90Seconds, tc.med, tc.p90)
		}
	}
	if d := summarise(nil); d.MedianSeconds != nil || d.Count != 0 {
		t.Errorf("empty: %+v", d)
	}
}

// Buckets are cut in the report's zone: weeks start on a local Monday,
// and a conversation counts out only when resolved inside the period.
func TestComputeBuckets(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(s string) time.Time { v, _ := time.ParseInLocation("2006-01-02 15:04", s, berlin); return v }
	ptr := func(t time.Time) *time.Time { return &t }
	d := func(x time.Duration) *time.Duration { return &x }
	facts := []*desk.ReportFact{
		// Sunday 00:30 Berlin is Saturday 23:30 UTC: Berlin's week of 23 March.
		{CreatedAt: at("2026-03-29 00:30"), Channel: "sms", Tags: []string{"=cmd", "vip"}},
		// Monday: a new week; resolved after the period ends.
		{CreatedAt: at("2026-03-30 10:00"), Channel: "email", ResolvedAt: ptr(at("2026-04-10 10:00")), Resolution: d(time.Hour), ResolutionBusiness: d(time.Hour)},
	}
	q := Query{From: at("2026-03-23 00:00"), To: at("2026-04-06 00:00"), Group: GroupWeek, Location: berlin}
	rows := Compute(facts, q)
	if len(rows) != 2 || rows[0].Key != "2026-03-23" || rows[1].Key != "2026-03-30" || rows[1].ConversationsOut != 0 || rows[1].Resolution.Count != 0 {
		t.Fatalf("weeks: %v", rows)
	}
	q.Group = GroupTag
	rows = Compute(facts, q)
	if len(rows) != 3 || rows[0].Key != "(untagged)" || rows[1].Key != "=cmd" || rows[2].Key != "vip" {
		t.Fatalf("tags: %v", rows)
	}
	if rec := CSVRecord(rows[1]); rec[0] != "'=cmd" || len(rec) != len(CSVHeader) {
		t.Fatalf("csv record: %q", rec)
	}
}
