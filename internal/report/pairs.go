package report

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Pair series answer reports on two dimensions at once: one filtered
// and grouped by another (one queue, by agent), or two filters (one
// queue, one channel). A fact adds itself to the cells of each pair of
// its queue, channel, agent and tags — per UTC day only: hour cells of
// every combination would hold about as many rows as the facts.
//
// A report's groups rarely start at UTC midnight (a day in Berlin starts
// at 23:00 UTC), so a group [a, b) is read as the whole UTC days between
// a and b each rounded to the nearest midnight, corrected at each end by
// the hours between the bound and its rounding, added or taken away.
// The corrections (at most 12 hours per group boundary) come from the
// facts, turned into hour cells by the same code that makes the stored
// ones, so both paths count alike.

// Pair dimensions: the first part of the key is the first named.
const (
	DimQueueChannel = iota + DimTag + 1
	DimQueueAgent
	DimChannelAgent
	DimQueueTag
	DimChannelTag
	DimAgentTag
)

// pairParts are a pair dimension's parts; pairOf is its inverse.
var (
	pairParts = map[int][2]int{
		DimQueueChannel: {DimQueue, DimChannel}, DimQueueAgent: {DimQueue, DimAgent},
		DimChannelAgent: {DimChannel, DimAgent}, DimQueueTag: {DimQueue, DimTag},
		DimChannelTag: {DimChannel, DimTag}, DimAgentTag: {DimAgent, DimTag},
	}
	pairOf = func() map[[2]int]int {
		m := map[[2]int]int{}
		for d, p := range pairParts {
			m[p] = d
		}
		return m
	}()
	groupDims = map[string]int{GroupQueue: DimQueue, GroupChannel: DimChannel, GroupAgent: DimAgent, GroupTag: DimTag}
)

// pairSep separates the parts of a pair key; no part but a tag (always
// second) could hold it.
const pairSep = "\x1f"

// PairKey is the series key of a pair of values.
func PairKey(first, second string) string { return first + pairSep + second }

// SplitPair splits a pair key.
func SplitPair(k string) (first, second string) {
	first, second, _ = strings.Cut(k, pairSep)
	return first, second
}

// filterDims are a filter's dimensions and values.
func filterDims(f desk.ReportFilter) map[int]string {
	m := map[int]string{}
	if f.QueueID != nil {
		m[DimQueue] = f.QueueID.String()
	}
	if f.Channel != "" {
		m[DimChannel] = f.Channel
	}
	if f.AgentID != nil {
		m[DimAgent] = f.AgentID.String()
	}
	if f.Tag != "" {
		m[DimTag] = strings.ToLower(strings.TrimSpace(f.Tag))
	}
	return m
}

// pairQuery is the pair series that answers a report on exactly two
// dimensions (filters and grouping together), without the ranges; not
// by hour (every hour would be a correction).
func pairQuery(q Query, f desk.ReportFilter) (CellQuery, bool) {
	fd := filterDims(f)
	dims := map[int]bool{}
	for d := range fd {
		dims[d] = true
	}
	if gd, ok := groupDims[q.Group]; ok {
		if _, filtered := fd[gd]; filtered && gd == DimTag {
			return CellQuery{}, false // a conversation counts under each of its tags
		}
		dims[gd] = true
	}
	if len(dims) != 2 || q.Group == GroupHour {
		return CellQuery{}, false
	}
	var p [2]int
	i := 0
	for _, d := range []int{DimQueue, DimChannel, DimAgent, DimTag} {
		if dims[d] {
			p[i] = d
			i++
		}
	}
	cq := CellQuery{Dim: pairOf[p]}
	a, aok := fd[p[0]]
	b, bok := fd[p[1]]
	switch {
	case aok && bok:
		k := PairKey(a, b)
		cq.Key = &k
	case aok:
		cq.First = &a
	case bok:
		cq.Second = &b
	}
	return cq, true
}

// match says a pair key passes the query's key selection.
func (cq *CellQuery) match(key string) bool {
	a, b := SplitPair(key)
	return (cq.Key == nil || *cq.Key == key) && (cq.First == nil || *cq.First == a) && (cq.Second == nil || *cq.Second == b)
}

// span is a group's time range and row key ("" when the row follows
// from the cells' keys).
type span struct {
	key      string
	from, to time.Time
}

// spans are a report's groups as time ranges; false when a boundary is
// not a whole UTC hour.
func spans(q Query) ([]span, bool) {
	aligned := func(t time.Time) bool { return t.UnixMicro()%int64(time.Hour/time.Microsecond) == 0 }
	if !aligned(q.From) || !aligned(q.To) {
		return nil, false
	}
	if q.Group != GroupDay && q.Group != GroupWeek {
		return []span{{from: q.From, to: q.To}}, true
	}
	var out []span
	for start := q.From; start.Before(q.To); {
		lt := start.In(q.Location)
		var next time.Time
		if q.Group == GroupDay {
			next = time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, q.Location)
		} else {
			back := (int(lt.Weekday()) + 6) % 7
			next = time.Date(lt.Year(), lt.Month(), lt.Day()-back+7, 0, 0, 0, 0, q.Location)
		}
		if next.After(q.To) {
			next = q.To
		}
		if !aligned(next) {
			return nil, false
		}
		out = append(out, span{key: keys(nil, start, q)[0], from: start, to: next})
		start = next
	}
	return out, true
}

// nearestDay is the UTC midnight nearest t (noon rounds up).
func nearestDay(t time.Time) time.Time {
	return cellStart(t.Add(12*time.Hour), WidthDay)
}

// correction is an hour range added to (sign 1) or taken from (-1) a
// group's days.
type correction struct {
	group    int
	from, to time.Time
	sign     int64
}

// pairCells reads a two-dimension report's cells: the pair series' day
// cells and the corrections from facts, each with the row it counts in.
func pairCells(ctx context.Context, s Store, q Query, f desk.ReportFilter, cq CellQuery) ([]RawCell, bool, error) {
	groups, ok := spans(q)
	if !ok {
		return nil, false, nil
	}
	days := make([][2]time.Time, len(groups))
	var fixes []correction
	edge := func(g int, t, r time.Time, sign int64) {
		switch {
		case t.Before(r):
			fixes = append(fixes, correction{g, t, r, sign})
		case r.Before(t):
			fixes = append(fixes, correction{g, r, t, -sign})
		}
	}
	for i, g := range groups {
		ra, rb := nearestDay(g.from), nearestDay(g.to)
		days[i] = [2]time.Time{ra, rb}
		edge(i, g.from, ra, 1)
		edge(i, g.to, rb, -1)
	}
	// The stored day cells, each given to the group whose days hold it.
	first, last := days[0][0], days[len(days)-1][1]
	var out []RawCell
	if first.Before(last) {
		cq.Ranges = []CellRange{{Width: WidthDay, From: first, To: last}}
		cells, err := s.FindReportCells(ctx, cq)
		if err != nil {
			return nil, false, err
		}
		for _, c := range cells {
			b := time.UnixMicro(c.Bucket)
			i := sort.Search(len(days), func(i int) bool { return days[i][1].After(b) })
			if i < len(days) && !b.Before(days[i][0]) {
				c.Group = groups[i].key
				out = append(out, c)
			}
		}
	}
	// The corrections: facts touching them, read once each, as hour cells.
	d := Delta{}
	seen := map[desk.ID]bool{}
	for _, r := range mergeRanges(fixes) {
		ff := f
		ff.From, ff.To = r[0], r[1]
		facts, err := s.FindReportFacts(ctx, ff)
		if err != nil {
			return nil, false, err
		}
		for _, x := range facts {
			if !seen[x.ConversationID] {
				seen[x.ConversationID] = true
				d.addFact(x, 1, true)
			}
		}
	}
	for k, c := range d {
		if k.Dim != cq.Dim || k.Width != WidthHour || !cq.match(k.Key) {
			continue
		}
		b := time.UnixMicro(k.Bucket)
		for _, fx := range fixes {
			if b.Before(fx.from) || !b.Before(fx.to) {
				continue
			}
			rc := RawCell{CellKey: k, Group: groups[fx.group].key}
			rc.Counts.add(&c.Counts)
			if fx.sign < 0 {
				rc.Counts = rc.Counts.negated()
			}
			var h [NumHists]Hist
			for m := range c.Hists {
				for bk, n := range c.Hists[m] {
					if h[m] == nil {
						h[m] = Hist{}
					}
					h[m][bk] = n * fx.sign
				}
			}
			rc.Hists = EncodeHists(&h)
			out = append(out, rc)
		}
	}
	return out, true, nil
}

// negated is the counts times -1.
func (c Counts) negated() Counts {
	var z Counts
	z.In, z.Out, z.Reopened, z.SLAMet, z.SLABreached = -c.In, -c.Out, -c.Reopened, -c.SLAMet, -c.SLABreached
	z.CSATSent, z.CSATResponses, z.RatingSum = -c.CSATSent, -c.CSATResponses, -c.RatingSum
	for i, n := range c.Ratings {
		z.Ratings[i] = -n
	}
	return z
}

// mergeRanges is the union of the corrections' ranges, in order.
func mergeRanges(fixes []correction) [][2]time.Time {
	rs := make([][2]time.Time, 0, len(fixes))
	for _, f := range fixes {
		rs = append(rs, [2]time.Time{f.from, f.to})
	}
	slices.SortFunc(rs, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	var out [][2]time.Time
	for _, r := range rs {
		if n := len(out); n > 0 && !r[0].After(out[n-1][1]) {
			if r[1].After(out[n-1][1]) {
				out[n-1][1] = r[1]
			}
			continue
		}
		out = append(out, r)
	}
	return out
}
