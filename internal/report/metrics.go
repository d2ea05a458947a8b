// Package report turns report facts (one row per conversation, kept by
// the store) into the metrics supervisors read: volume in and out,
// first response, resolution and handle time (median, p90), reopen rate,
// SLA met and breached, CSAT. docs/reports.md defines each one.
package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Group names: by time bucket, or by a dimension.
const (
	GroupHour    = "hour"
	GroupDay     = "day"
	GroupWeek    = "week"
	GroupQueue   = "queue"
	GroupChannel = "channel"
	GroupAgent   = "agent"
	GroupTag     = "tag"
	GroupNone    = "total"
)

// ValidGroup reports whether g is a group name.
func ValidGroup(g string) bool {
	switch g {
	case GroupHour, GroupDay, GroupWeek, GroupQueue, GroupChannel, GroupAgent, GroupTag, GroupNone:
		return true
	}
	return false
}

// Query is a report's period, grouping and the zone its time buckets
// are cut in (weeks start on Monday).
type Query struct {
	From, To time.Time
	Group    string
	Location *time.Location
}

// Durations summarises a duration metric in seconds.
type Durations struct {
	Count int `json:"count"`
	// Median and P90 are nil when Count is 0.
	MedianSeconds *float64 `json:"median_seconds"`
	P90Seconds    *float64 `json:"p90_seconds"`
}

// SLA counts conversations resolved with a policy.
type SLA struct {
	Met      int `json:"met"`
	Breached int `json:"breached"`
}

// CSAT summarises survey answers.
type CSAT struct {
	Sent      int `json:"sent"`
	Responses int `json:"responses"`
	// ResponseRate is Responses/Sent; nil when none was sent.
	ResponseRate *float64 `json:"response_rate"`
	// Average is the mean rating; nil without responses.
	Average *float64 `json:"average"`
	// Distribution counts ratings 1 to 5 (index 0 is rating 1).
	Distribution [5]int `json:"distribution"`
}

// Row is one group's metrics.
type Row struct {
	Key                   string    `json:"key"`
	ConversationsIn       int       `json:"conversations_in"`
	ConversationsOut      int       `json:"conversations_out"`
	FirstResponse         Durations `json:"first_response"`
	FirstResponseBusiness Durations `json:"first_response_business"`
	Resolution            Durations `json:"resolution"`
	ResolutionBusiness    Durations `json:"resolution_business"`
	Handle                Durations `json:"handle"`
	// ReopenRate is the share of conversations resolved in the period
	// that had been reopened; nil when none was resolved.
	ReopenRate *float64 `json:"reopen_rate"`
	SLA        SLA      `json:"sla"`
	CSAT       CSAT     `json:"csat"`
}

// acc gathers one group's values before they are summarised.
type acc struct {
	row                           Row
	frt, frtB, res, resB, handle  []float64
	resolved, reopened, ratingSum int
}

// Compute aggregates facts into rows, sorted by key. A conversation counts
// "in" in the bucket of its creation (with its first response) and "out"
// in the bucket of its resolution (with resolution, handle time, reopen,
// SLA and CSAT), each only when that instant is inside [From, To).
func Compute(facts []*desk.ReportFact, q Query) []*Row {
	if q.Location == nil {
		q.Location = time.UTC
	}
	groups := map[string]*acc{}
	get := func(k string) *acc {
		a := groups[k]
		if a == nil {
			a = &acc{row: Row{Key: k}}
			groups[k] = a
		}
		return a
	}
	in := func(t time.Time) bool { return !t.Before(q.From) && t.Before(q.To) }
	// Durations to the precision of their histogram bucket, as rollups
	// keep them (hist.go), so both paths give the same figures.
	secs := func(d *time.Duration) float64 { return Quantize(d.Seconds()) }
	for _, f := range facts {
		if in(f.CreatedAt) {
			for _, k := range keys(f, f.CreatedAt, q) {
				a := get(k)
				a.row.ConversationsIn++
				if f.FirstResponse != nil {
					a.frt = append(a.frt, secs(f.FirstResponse))
					a.frtB = append(a.frtB, secs(f.FirstResponseBusiness))
				}
			}
		}
		if f.ResolvedAt != nil && in(*f.ResolvedAt) {
			for _, k := range keys(f, *f.ResolvedAt, q) {
				a := get(k)
				a.row.ConversationsOut++
				a.resolved++
				a.res = append(a.res, secs(f.Resolution))
				a.resB = append(a.resB, secs(f.ResolutionBusiness))
				if f.Handle != nil {
					a.handle = append(a.handle, secs(f.Handle))
				}
				if f.Reopens > 0 {
					a.reopened++
				}
				if f.SLAApplied {
					if f.SLABreached {
						a.row.SLA.Breached++
					} else {
						a.row.SLA.Met++
					}
				}
				if f.SurveySent {
					a.row.CSAT.Sent++
					if r := f.SurveyRating; r != nil && *r >= 1 && *r <= 5 {
						a.row.CSAT.Responses++
						a.row.CSAT.Distribution[*r-1]++
						a.ratingSum += *r
					}
				}
			}
		}
	}
	out := make([]*Row, 0, len(groups))
	for _, a := range groups {
		r := &a.row
		r.FirstResponse, r.FirstResponseBusiness = summarise(a.frt), summarise(a.frtB)
		r.Resolution, r.ResolutionBusiness, r.Handle = summarise(a.res), summarise(a.resB), summarise(a.handle)
		r.ReopenRate = ratio(a.reopened, a.resolved)
		r.CSAT.ResponseRate = ratio(r.CSAT.Responses, r.CSAT.Sent)
		r.CSAT.Average = ratio(a.ratingSum, r.CSAT.Responses)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// keys are the groups a fact counts in for an instant t.
func keys(f *desk.ReportFact, t time.Time, q Query) []string {
	lt := t.In(q.Location)
	switch q.Group {
	case GroupHour:
		return []string{lt.Format("2006-01-02T15:00")}
	case GroupDay:
		return []string{lt.Format(time.DateOnly)}
	case GroupWeek:
		// The Monday starting the week, local.
		back := (int(lt.Weekday()) + 6) % 7
		return []string{time.Date(lt.Year(), lt.Month(), lt.Day()-back, 0, 0, 0, 0, q.Location).Format(time.DateOnly)}
	case GroupQueue:
		return []string{f.QueueID.String()}
	case GroupChannel:
		return []string{f.Channel}
	case GroupAgent:
		if f.AgentID == nil {
			return []string{"none"}
		}
		return []string{f.AgentID.String()}
	case GroupTag:
		if len(f.Tags) == 0 {
			return []string{"(untagged)"}
		}
		return f.Tags
	}
	return []string{GroupNone}
}

// summarise returns count, median and p90 of values (seconds).
func summarise(v []float64) Durations {
	d := Durations{Count: len(v)}
	if len(v) == 0 {
		return d
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	p90 := s[int(math.Ceil(0.9*float64(n)))-1]
	d.MedianSeconds, d.P90Seconds = &med, &p90
	return d
}

// ratio is a/b, nil when b is 0.
func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// CSVHeader is the first line of the CSV export.
var CSVHeader = []string{"key", "conversations_in", "conversations_out",
	"first_response_count", "first_response_median_s", "first_response_p90_s",
	"first_response_business_median_s", "first_response_business_p90_s",
	"resolution_count", "resolution_median_s", "resolution_p90_s",
	"resolution_business_median_s", "resolution_business_p90_s",
	"handle_count", "handle_median_s", "handle_p90_s", "reopen_rate",
	"sla_met", "sla_breached", "csat_sent", "csat_responses", "csat_response_rate", "csat_average",
	"csat_1", "csat_2", "csat_3", "csat_4", "csat_5"}

// CSVRecord renders a row as CSV fields, empty where a value is nil.
func CSVRecord(r *Row) []string {
	f := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	i := strconv.Itoa
	rec := []string{csvSafe(r.Key), i(r.ConversationsIn), i(r.ConversationsOut),
		i(r.FirstResponse.Count), f(r.FirstResponse.MedianSeconds), f(r.FirstResponse.P90Seconds),
		f(r.FirstResponseBusiness.MedianSeconds), f(r.FirstResponseBusiness.P90Seconds),
		i(r.Resolution.Count), f(r.Resolution.MedianSeconds), f(r.Resolution.P90Seconds),
		f(r.ResolutionBusiness.MedianSeconds), f(r.ResolutionBusiness.P90Seconds),
		i(r.Handle.Count), f(r.Handle.MedianSeconds), f(r.Handle.P90Seconds), f(r.ReopenRate),
		i(r.SLA.Met), i(r.SLA.Breached), i(r.CSAT.Sent), i(r.CSAT.Responses), f(r.CSAT.ResponseRate), f(r.CSAT.Average)}
	for _, n := range r.CSAT.Distribution {
		rec = append(rec, i(n))
	}
	return rec
}

// csvSafe keeps a spreadsheet from reading a key (a tag) as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

// String renders a row briefly (logs, test failures).
func (r *Row) String() string {
	return fmt.Sprintf("%s in=%d out=%d frt=%+v res=%+v", r.Key, r.ConversationsIn, r.ConversationsOut, r.FirstResponse, r.Resolution)
}
