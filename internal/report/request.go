package report

import (
	"context"
	"strings"
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
	// Source forces facts or rollups (SourceAuto: rollups when they can
	// answer).
	Source string
}

// Store is what Run reads: the facts, and the rollup cells that answer
// most reports without reading them (the store keeps both; see
// RollupStore).
type Store interface {
	// FindReportFacts returns the facts of the filter (supervisor+).
	FindReportFacts(ctx context.Context, f desk.ReportFilter) ([]*desk.ReportFact, error)
	RollupStore
}

// Run checks a request and computes its rows from the store's rollups
// where they can answer it, else from its facts. Errors are EINVALID
// naming the parameter.
func Run(ctx context.Context, s Store, req Request) ([]*Row, error) {
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
	q := Query{From: from, To: to, Group: req.Group, Location: loc}
	if req.Source != SourceFacts {
		cells, ok, err := fromRollups(ctx, s, q, f)
		if err != nil {
			return nil, err
		}
		if ok {
			return ComputeCells(cells, q)
		}
	}
	if req.Source == SourceRollup {
		return nil, desk.FieldErrorf("group", "this report cannot be read from rollups")
	}
	facts, err := s.FindReportFacts(ctx, f)
	if err != nil {
		return nil, err
	}
	return Compute(facts, q), nil
}

// Where a report's figures come from (Request.Source): the store's
// choice, or (tests, benchmarks) facts or rollups only.
const (
	SourceAuto   = ""
	SourceFacts  = "facts"
	SourceRollup = "rollup"
)

// fromRollups reads the cells that answer a report, if rollups can: a
// one-dimension series (cellQuery), or a pair series (pairQuery).
// Reports on three or more dimensions, by hour on two, or with bounds
// inside an hour read facts; so does every report while rollups are
// being rebuilt (their cells are incomplete then).
func fromRollups(ctx context.Context, s Store, q Query, f desk.ReportFilter) ([]RawCell, bool, error) {
	cq, one := cellQuery(q, f)
	pq, two := pairQuery(q, f)
	if !one && !two {
		return nil, false, nil
	}
	if ready, err := s.ReportRollupsReady(ctx); err != nil || !ready {
		return nil, false, err
	}
	if one {
		cells, err := s.FindReportCells(ctx, cq)
		return cells, err == nil, err
	}
	return pairCells(ctx, s, q, f, pq)
}

// cellQuery is the one series of rollup cells that answers a report, if
// one does: no filter, or one filter and either grouping by time or
// total, or by that filter's own dimension (but not a tag filter
// grouped by tag: a conversation counts under each of its tags).
func cellQuery(q Query, f desk.ReportFilter) (CellQuery, bool) {
	cq := CellQuery{Dim: DimTotal}
	gd, byDim := groupDims[q.Group]
	if byDim {
		cq.Dim = gd
	}
	var filters []CellQuery
	if f.QueueID != nil {
		k := f.QueueID.String()
		filters = append(filters, CellQuery{Dim: DimQueue, Key: &k})
	}
	if f.Channel != "" {
		k := f.Channel
		filters = append(filters, CellQuery{Dim: DimChannel, Key: &k})
	}
	if f.AgentID != nil {
		k := f.AgentID.String()
		filters = append(filters, CellQuery{Dim: DimAgent, Key: &k})
	}
	if f.Tag != "" {
		k := strings.ToLower(strings.TrimSpace(f.Tag))
		filters = append(filters, CellQuery{Dim: DimTag, Key: &k})
	}
	switch {
	case len(filters) > 1:
		return cq, false
	case len(filters) == 1:
		if byDim && (gd != filters[0].Dim || gd == DimTag) {
			return cq, false
		}
		cq = filters[0]
	}
	ranges, ok := plan(q)
	cq.Ranges = ranges
	return cq, ok
}

// parseBound reads a date (local midnight) or an RFC 3339 instant.
func parseBound(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
