// Package sla holds service-level rules that need no store: business-hours
// calendars (weekly hours, an IANA time zone, holidays), business time
// between two instants, deadlines after N business minutes, and the
// running targets of a conversation computed from its timeline.
package sla

import (
	"fmt"
	"sort"
	"time"
)

// Span is one opening of a weekday, in minutes after local midnight:
// [Start, End), 0 <= Start < End <= 1440.
type Span struct {
	Start int
	End   int
}

// Calendar is a queue's business hours. Hours are wall-clock times in
// Location, so a 09:00–17:00 day stays 09:00–17:00 across a DST change
// (and is an hour shorter or longer in absolute time only when the change
// falls inside it). A date in Holidays is closed all day.
type Calendar struct {
	Location *time.Location
	// Week is indexed by time.Weekday (Sunday = 0).
	Week [7][]Span
	// Holidays are local dates "YYYY-MM-DD".
	Holidays map[string]bool
}

// Always is the calendar open every minute (calendar time), in UTC.
func Always() *Calendar {
	c := &Calendar{Location: time.UTC}
	for d := range c.Week {
		c.Week[d] = []Span{{0, 1440}}
	}
	return c
}

// maxDays bounds the search for business time, so a calendar with no
// opening hours (or a year of holidays) cannot loop forever.
const maxDays = 3 * 366

// Validate checks spans (in range, ordered, not overlapping) and that the
// calendar has a location.
func (c *Calendar) Validate() error {
	if c.Location == nil {
		return fmt.Errorf("calendar has no time zone")
	}
	for d, spans := range c.Week {
		sorted := append([]Span(nil), spans...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
		for i, s := range sorted {
			if s.Start < 0 || s.End > 1440 || s.Start >= s.End {
				return fmt.Errorf("%s: hours %s must end after they start, within the day", time.Weekday(d), s)
			}
			if i > 0 && sorted[i-1].End > s.Start {
				return fmt.Errorf("%s: hours %s overlap %s", time.Weekday(d), sorted[i-1], s)
			}
		}
		c.Week[d] = sorted
	}
	return nil
}

// String renders a span as "HH:MM-HH:MM".
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// openings returns the absolute instants of a local date's opening spans.
// Wall-clock times that do not exist (spring forward) are normalised by
// time.Date to the instant after the gap, so a span is never negative.
func (c *Calendar) openings(y int, m time.Month, d int) [][2]time.Time {
	day := time.Date(y, m, d, 12, 0, 0, 0, c.Location)
	if c.Holidays[day.Format(time.DateOnly)] {
		return nil
	}
	var out [][2]time.Time
	for _, s := range c.Week[day.Weekday()] {
		start := time.Date(y, m, d, s.Start/60, s.Start%60, 0, 0, c.Location)
		end := time.Date(y, m, d, s.End/60, s.End%60, 0, 0, c.Location)
		if s.End == 1440 {
			end = time.Date(y, m, d+1, 0, 0, 0, 0, c.Location)
		}
		if end.After(start) {
			out = append(out, [2]time.Time{start, end})
		}
	}
	return out
}

// Between is the business time from a to b: the part of [a, b) inside
// opening hours. Zero when b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	la := a.In(c.Location)
	for i := -1; i < maxDays; i++ {
		// Start a day early: a span ending at 24:00 the previous local
		// day can still cover a.
		y, m, d := la.Date()
		spans := c.openings(y, m, d+i)
		if len(spans) > 0 && !spans[0][0].Before(b) {
			break
		}
		for _, s := range spans {
			lo, hi := s[0], s[1]
			if lo.Before(a) {
				lo = a
			}
			if hi.After(b) {
				hi = b
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
		if !time.Date(y, m, d+i+1, 0, 0, 0, 0, c.Location).Before(b) {
			break
		}
	}
	return total
}

// Add returns the instant when n of business time has passed after a:
// the deadline of a target of n. ok is false when the calendar has no
// opening within the search horizon (about three years).
func (c *Calendar) Add(a time.Time, n time.Duration) (deadline time.Time, ok bool) {
	la := a.In(c.Location)
	left := n
	for i := -1; i < maxDays; i++ {
		y, m, d := la.Date()
		for _, s := range c.openings(y, m, d+i) {
			lo, hi := s[0], s[1]
			if !hi.After(a) {
				continue
			}
			if lo.Before(a) {
				lo = a
			}
			if left == 0 {
				// A zero target is due at the first open instant.
				return lo, true
			}
			if avail := hi.Sub(lo); avail >= left {
				return lo.Add(left), true
			} else {
				left -= avail
			}
		}
	}
	return time.Time{}, false
}

// Open reports whether t falls in opening hours.
func (c *Calendar) Open(t time.Time) bool {
	lt := t.In(c.Location)
	y, m, d := lt.Date()
	for i := -1; i <= 0; i++ {
		for _, s := range c.openings(y, m, d+i) {
			if !t.Before(s[0]) && t.Before(s[1]) {
				return true
			}
		}
	}
	return false
}
