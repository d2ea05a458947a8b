package report

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// MaxPeriod bounds a report's period.
const MaxPeriod = 366 * 24 * time.Hour

// Request is a report as asked over the API: period bounds are RFC 3339
// instants or local dates (YYYY-MM-DD, midnight in TimeZone).
type Request struct {
	From, To string
	Group    string
	TimeZone string
	Filter   desk.ReportFilter
}

// Run checks a request and computes its rows from the store's facts.
// Errors are EINVALID naming the parameter.
func Run(ctx context.Context, s desk.ReportStore, req Request) ([]*Row, error) {
	if _, err := desk.RequireRole(ctx, desk.RoleSupervisor); err != nil {
		return nil, err
	}
	if req.Group == "" {
		req.Group = GroupDay
	}
	if !ValidGroup(req.Group) {
		return nil, desk.FieldErrorf("group", "group must be hour, day, week, queue, channel, agent, tag or total")
	}
	loc := time.UTC
	if req.TimeZone != "" {
		l, err := time.LoadLocation(req.TimeZone)
		if err != nil || req.TimeZone == "Local" {
			return nil, desk.FieldErrorf("tz", "unknown time zone %q", req.TimeZone)
		}
		loc = l
	}
	from, err := parseBound(req.From, loc)
	if err != nil {
		return nil, desk.FieldErrorf("from", "from must be a date YYYY-MM-DD or an RFC 3339 time")
	}
	to, err := parseBound(req.To, loc)
	if err != nil {
		return nil, desk.FieldErrorf("to", "to must be a date YYYY-MM-DD or an RFC 3339 time")
	}
	if !to.After(from) || to.Sub(from) > MaxPeriod {
		return nil, desk.FieldErrorf("to", "to must be after from, at most 366 days later")
	}
	f := req.Filter
	f.From, f.To = from, to
	if f.Channel != "" && !desk.ValidChannel(f.Channel) {
		return nil, desk.FieldErrorf("channel", "unknown channel %q", f.Channel)
	}
	facts, err := s.FindReportFacts(ctx, f)
	if err != nil {
		return nil, err
	}
	return Compute(facts, Query{From: from, To: to, Group: req.Group, Location: loc}), nil
}

// parseBound reads a date (local midnight) or an RFC 3339 instant.
func parseBound(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
