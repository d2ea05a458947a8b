package sla

import (
	"math/rand"
	"testing"
	"time"
)

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// office is Mon–Fri 09:00–17:00 in Berlin, closed on Christmas Day 2026
// (a Friday).
func office(tb testing.TB) *Calendar {
	c := &Calendar{Location: mustLoc(tb, "Europe/Berlin"), Holidays: map[string]bool{"2026-12-25": true}}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []Span{{9 * 60, 17 * 60}}
	}
	if err := c.Validate(); err != nil {
		tb.Fatal(err)
	}
	return c
}

// berlin parses a Berlin wall-clock time "2006-01-02 15:04".
func berlin(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, mustLoc(tb, "Europe/Berlin"))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestCalendarBetween(t *testing.T) {
	off := office(t)
	allDay := Always()
	allDay.Location = mustLoc(t, "Europe/Berlin")
	night := &Calendar{Location: mustLoc(t, "Europe/Berlin")}
	for d := range night.Week {
		night.Week[d] = []Span{{60, 4 * 60}}
	}
	cases := []struct {
		name string
		cal  *Calendar
		a, b string
		want time.Duration
	}{
		{"inside one day", off, "2026-12-07 10:00", "2026-12-07 12:30", 150 * time.Minute},
		{"before open to after close", off, "2026-12-07 07:00", "2026-12-07 20:00", 8 * time.Hour},
		{"across a weekend", off, "2026-12-04 16:00", "2026-12-07 10:00", 2 * time.Hour},
		{"weekend only", off, "2026-12-05 08:00", "2026-12-06 22:00", 0},
		{"across a holiday and weekend", off, "2026-12-24 16:30", "2026-12-28 09:30", time.Hour},
		{"a whole week with a holiday", off, "2026-12-21 00:00", "2026-12-28 00:00", 32 * time.Hour},
		{"weekend with spring DST change", off, "2026-03-27 16:00", "2026-03-30 10:00", 2 * time.Hour},
		{"weekend with autumn DST change", off, "2026-10-23 16:00", "2026-10-26 10:00", 2 * time.Hour},
		{"calendar time, spring forward", allDay, "2026-03-28 00:00", "2026-03-30 00:00", 47 * time.Hour},
		{"calendar time, fall back", allDay, "2026-10-24 00:00", "2026-10-26 00:00", 49 * time.Hour},
		{"hours spanning the spring gap", night, "2026-03-28 12:00", "2026-03-30 00:00", 2 * time.Hour},
		{"hours spanning the autumn repeat", night, "2026-10-24 12:00", "2026-10-26 00:00", 4 * time.Hour},
		{"end before start", off, "2026-12-07 12:00", "2026-12-07 10:00", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Between(berlin(t, tc.a), berlin(t, tc.b)); got != tc.want {
				t.Fatalf("Between(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestCalendarAdd(t *testing.T) {
	off := office(t)
	cases := []struct {
		name string
		a    string
		n    time.Duration
		want string
	}{
		{"inside one day", "2026-12-07 10:00", 2 * time.Hour, "2026-12-07 12:00"},
		{"exactly to close", "2026-12-07 16:00", time.Hour, "2026-12-07 17:00"},
		{"over the weekend", "2026-12-04 16:30", time.Hour, "2026-12-07 09:30"},
		{"from Saturday", "2026-12-05 11:00", 30 * time.Minute, "2026-12-07 09:30"},
		{"over the holiday and weekend", "2026-12-24 16:30", time.Hour, "2026-12-28 09:30"},
		{"over the spring DST weekend", "2026-03-27 16:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"two business days", "2026-12-07 13:00", 16 * time.Hour, "2026-12-09 13:00"},
		{"zero target out of hours is due at opening", "2026-12-05 11:00", 0, "2026-12-07 09:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := off.Add(berlin(t, tc.a), tc.n)
			if !ok || !got.Equal(berlin(t, tc.want)) {
				t.Fatalf("Add(%s, %v) = %v %v, want %s", tc.a, tc.n, got.In(off.Location), ok, tc.want)
			}
		})
	}
	// The DST case in UTC, so a zone-blind implementation cannot pass:
	// Monday 10:00 CEST is 08:00Z, not 09:00Z.
	got, _ := off.Add(time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC), 2*time.Hour)
	if want := time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("DST deadline = %v, want %v", got.UTC(), want)
	}
	if _, ok := (&Calendar{Location: time.UTC}).Add(time.Now(), time.Minute); ok {
		t.Fatal("a calendar without hours found a deadline")
	}
}

// Add and Between are inverse: the business time to a deadline of n is n.
func TestCalendarAddBetweenInverse(t *testing.T) {
	off := office(t)
	rng := rand.New(rand.NewSource(23))
	start := berlin(t, "2026-01-01 00:00")
	for i := 0; i < 500; i++ {
		a := start.Add(time.Duration(rng.Int63n(int64(365 * 24 * time.Hour))))
		n := time.Duration(rng.Intn(40*60)) * time.Minute
		due, ok := off.Add(a, n)
		if !ok {
			t.Fatalf("no deadline from %v", a)
		}
		if got := off.Between(a, due); got != n {
			t.Fatalf("Between(%v, Add(%v)) = %v, want %v", a, n, got, n)
		}
	}
}

func TestCalendarOpen(t *testing.T) {
	off := office(t)
	for s, want := range map[string]bool{
		"2026-12-07 09:00": true, "2026-12-07 16:59": true, "2026-12-07 17:00": false,
		"2026-12-05 12:00": false, "2026-12-25 12:00": false, "2026-12-24 12:00": true,
	} {
		if got := off.Open(berlin(t, s)); got != want {
			t.Errorf("Open(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestCalendarValidate(t *testing.T) {
	c := &Calendar{Location: time.UTC}
	c.Week[time.Monday] = []Span{{9 * 60, 12 * 60}, {11 * 60, 13 * 60}}
	if c.Validate() == nil {
		t.Fatal("overlapping hours accepted")
	}
	c.Week[time.Monday] = []Span{{9 * 60, 9 * 60}}
	if c.Validate() == nil {
		t.Fatal("empty span accepted")
	}
	if (&Calendar{}).Validate() == nil {
		t.Fatal("calendar without a zone accepted")
	}
}
