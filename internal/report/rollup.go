package report

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Rollups: every fact adds itself to cells of series (the whole desk,
// its queue, channel, agent and each tag) per UTC hour and per UTC day;
// a report reads cells instead of facts when its question allows (see
// Run). A fact counts "in" in the cells of its creation time and "out"
// in those of its resolution time, as in Compute.

// Series dimensions of a cell.
const (
	DimTotal = iota
	DimQueue
	DimChannel
	DimAgent
	DimTag
)

// Cell widths.
const (
	WidthHour = 0
	WidthDay  = 1
)

// CellKey names a cell: a series (dimension and value: a queue or agent
// ID in decimal, a channel, a tag; "" for the total, no agent, no tag)
// and a UTC hour or day, by its start in microseconds.
type CellKey struct {
	Dim    int
	Key    string
	Width  int
	Bucket int64
}

// Counts are a cell's additive figures.
type Counts struct {
	In, Out, Reopened, SLAMet, SLABreached, CSATSent, CSATResponses, RatingSum int64
	Ratings                                                                    [5]int64
}

func (c *Counts) add(o *Counts) {
	c.In += o.In
	c.Out += o.Out
	c.Reopened += o.Reopened
	c.SLAMet += o.SLAMet
	c.SLABreached += o.SLABreached
	c.CSATSent += o.CSATSent
	c.CSATResponses += o.CSATResponses
	c.RatingSum += o.RatingSum
	for i := range c.Ratings {
		c.Ratings[i] += o.Ratings[i]
	}
}

// Zero says every count is zero.
func (c *Counts) Zero() bool { return *c == Counts{} }

// Cell is a cell's counts and duration histograms (or a change of them).
type Cell struct {
	Counts
	Hists [NumHists]Hist
}

func (c *Cell) hist(m, b int, n int64) {
	if c.Hists[m] == nil {
		c.Hists[m] = Hist{}
	}
	c.Hists[m][b] += n
	if c.Hists[m][b] == 0 {
		delete(c.Hists[m], b)
	}
}

// Add adds another cell.
func (c *Cell) Add(o *Cell) {
	c.Counts.add(&o.Counts)
	for m := range o.Hists {
		for b, n := range o.Hists[m] {
			c.hist(m, b, n)
		}
	}
}

// AddEncoded adds histograms in the form of EncodeHists.
func (c *Cell) AddEncoded(b []byte) error {
	return DecodeHists(b, func(m, bucket int, n int64) { c.hist(m, bucket, n) })
}

// Empty says the cell holds nothing.
func (c *Cell) Empty() bool {
	if !c.Counts.Zero() {
		return false
	}
	for _, h := range c.Hists {
		if len(h) > 0 {
			return false
		}
	}
	return true
}

// Delta is a change of cells: what facts add (sign 1) or take away (-1).
type Delta map[CellKey]*Cell

// AddFact adds a fact's contribution times sign: to the hour and day
// cells of its one-dimension series, and to the day cells of its pair
// series (pairs.go).
func (d Delta) AddFact(f *desk.ReportFact, sign int64) { d.addFact(f, sign, false) }

// addFact adds a fact's cells; pairHours adds its pair series' hour
// cells too (which are never stored: see pairs.go).
func (d Delta) addFact(f *desk.ReportFact, sign int64, pairHours bool) {
	type series struct {
		dim int
		key string
	}
	agent := ""
	if f.AgentID != nil {
		agent = f.AgentID.String()
	}
	tags := f.Tags
	if len(tags) == 0 {
		tags = []string{""}
	}
	q := f.QueueID.String()
	ss := []series{{DimTotal, ""}, {DimQueue, q}, {DimChannel, f.Channel}, {DimAgent, agent}}
	for _, t := range tags {
		ss = append(ss, series{DimTag, t})
	}
	singles := len(ss)
	ss = append(ss, series{DimQueueChannel, PairKey(q, f.Channel)}, series{DimQueueAgent, PairKey(q, agent)},
		series{DimChannelAgent, PairKey(f.Channel, agent)})
	for _, t := range tags {
		ss = append(ss, series{DimQueueTag, PairKey(q, t)}, series{DimChannelTag, PairKey(f.Channel, t)},
			series{DimAgentTag, PairKey(agent, t)})
	}
	part := func(t time.Time, fill func(c *Cell)) {
		var c Cell
		fill(&c)
		for i, s := range ss {
			for _, w := range []int{WidthHour, WidthDay} {
				if i >= singles && w == WidthHour && !pairHours {
					continue
				}
				k := CellKey{Dim: s.dim, Key: s.key, Width: w, Bucket: cellStart(t, w).UnixMicro()}
				x := d[k]
				if x == nil {
					x = &Cell{}
					d[k] = x
				}
				x.Add(&c)
			}
		}
	}
	b := func(p *time.Duration) int { return Bucket(int64(p.Seconds())) }
	part(f.CreatedAt, func(c *Cell) {
		c.In = sign
		if f.FirstResponse != nil {
			c.hist(HistFirstResponse, b(f.FirstResponse), sign)
		}
		if f.FirstResponseBusiness != nil {
			c.hist(HistFirstResponseBusiness, b(f.FirstResponseBusiness), sign)
		}
	})
	if f.ResolvedAt == nil {
		return
	}
	part(*f.ResolvedAt, func(c *Cell) {
		c.Out = sign
		if f.Resolution != nil {
			c.hist(HistResolution, b(f.Resolution), sign)
		}
		if f.ResolutionBusiness != nil {
			c.hist(HistResolutionBusiness, b(f.ResolutionBusiness), sign)
		}
		if f.Handle != nil {
			c.hist(HistHandle, b(f.Handle), sign)
		}
		if f.Reopens > 0 {
			c.Reopened = sign
		}
		if f.SLAApplied {
			if f.SLABreached {
				c.SLABreached = sign
			} else {
				c.SLAMet = sign
			}
		}
		if f.SurveySent {
			c.CSATSent = sign
			if r := f.SurveyRating; r != nil && *r >= 1 && *r <= 5 {
				c.CSATResponses = sign
				c.Ratings[*r-1] = sign
				c.RatingSum = sign * int64(*r)
			}
		}
	})
}

// Keys are the cells the delta changes, in one fixed order (so that
// writers lock cells in the same order).
func (d Delta) Keys() []CellKey {
	out := make([]CellKey, 0, len(d))
	for k, c := range d {
		if !c.Empty() {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Dim != b.Dim {
			return a.Dim < b.Dim
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Width != b.Width {
			return a.Width < b.Width
		}
		return a.Bucket < b.Bucket
	})
	return out
}

// cellStart is the start of the UTC hour or day holding t.
func cellStart(t time.Time, width int) time.Time {
	t = t.UTC()
	if width == WidthDay {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t.Truncate(time.Hour)
}

// CellRange selects cells of one width starting in [From, To).
type CellRange struct {
	Width    int
	From, To time.Time
}

// CellQuery selects cells of one series (Key nil: every value of Dim);
// of a pair series, First or Second select by one part of the key.
type CellQuery struct {
	Dim           int
	Key           *string
	First, Second *string
	Ranges        []CellRange
}

// RawCell is a stored cell as read: counts, and histograms encoded.
// Group, when set, is the row it counts in (pairs.go); otherwise the
// row follows from its key and bucket.
type RawCell struct {
	CellKey
	Counts Counts
	Hists  []byte
	Group  string
}

// RollupStore reads cells (supervisor+). The store keeps them up to date
// with the facts.
type RollupStore interface {
	FindReportCells(ctx context.Context, q CellQuery) ([]RawCell, error)
	// ReportRollupsReady says every fact is in the cells (false while
	// facts from before the current cells are being added).
	ReportRollupsReady(ctx context.Context) (bool, error)
}

// plan covers a query's groups with cells: the hours of each group's
// edges and the whole UTC days inside it. ok is false when a group
// boundary is not a whole UTC hour (a zone half an hour off UTC, or an
// RFC 3339 bound inside an hour): such reports read facts.
func plan(q Query) (ranges []CellRange, ok bool) {
	add := func(w int, a, b time.Time) {
		if !a.Before(b) {
			return
		}
		if n := len(ranges); n > 0 && ranges[n-1].Width == w && ranges[n-1].To.Equal(a) {
			ranges[n-1].To = b
			return
		}
		ranges = append(ranges, CellRange{Width: w, From: a, To: b})
	}
	cover := func(a, b time.Time) {
		ca := cellStart(a.Add(24*time.Hour-time.Microsecond), WidthDay) // a's day, rounded up
		fb := cellStart(b, WidthDay)
		if ca.Before(fb) {
			add(WidthHour, a, ca)
			add(WidthDay, ca, fb)
			add(WidthHour, fb, b)
		} else {
			add(WidthHour, a, b)
		}
	}
	groups, ok := spans(q)
	if !ok {
		return nil, false
	}
	if q.Group == GroupHour {
		add(WidthHour, q.From, q.To)
		return ranges, true
	}
	for _, g := range groups {
		cover(g.from, g.to)
	}
	return ranges, true
}

// cellGroup is the row a cell counts in.
func cellGroup(c *RawCell, q Query) string {
	key := c.Key
	switch q.Group {
	case GroupHour, GroupDay, GroupWeek:
		if c.Group != "" {
			return c.Group
		}
		return keys(nil, time.UnixMicro(c.Bucket), q)[0]
	case GroupQueue, GroupChannel, GroupAgent, GroupTag:
		if p, ok := pairParts[c.Dim]; ok {
			a, b := SplitPair(c.Key)
			if key = a; p[1] == groupDims[q.Group] {
				key = b
			}
		}
	default:
		return GroupNone
	}
	switch {
	case key == "" && q.Group == GroupAgent:
		return "none"
	case key == "" && q.Group == GroupTag:
		return "(untagged)"
	}
	return key
}

// ComputeCells aggregates cells into rows, sorted by key: the same rows
// Compute makes of the facts the cells were made of.
func ComputeCells(cells []RawCell, q Query) ([]*Row, error) {
	if q.Location == nil {
		q.Location = time.UTC
	}
	// Each group's histograms are summed into arrays of bucket counts as
	// the cells are decoded. A group of few cells (an hour's row) keeps
	// its buckets as a list; past denseAfter cells it moves them into a
	// dense array, so a group of thousands of cells allocates once.
	const denseAfter = 16
	type pair struct {
		b int
		n int64
	}
	type dense struct {
		list   []pair
		n      []int64 // per bucket, once dense
		lo, hi int
	}
	type gacc struct {
		c     Counts
		cells int
		h     [NumHists]dense
	}
	toDense := func(d *dense) {
		d.n = make([]int64, NumBuckets)
		for _, p := range d.list {
			d.n[p.b] += p.n
		}
		d.list = nil
	}
	groups := map[string]*gacc{}
	for i := range cells {
		c := &cells[i]
		k := cellGroup(c, q)
		g := groups[k]
		if g == nil {
			g = &gacc{}
			for m := range g.h {
				g.h[m].lo, g.h[m].hi = NumBuckets, -1
			}
			groups[k] = g
		}
		g.c.add(&c.Counts)
		if g.cells++; g.cells == denseAfter {
			for m := range g.h {
				toDense(&g.h[m])
			}
		}
		if err := DecodeHists(c.Hists, func(m, b int, n int64) {
			d := &g.h[m]
			if d.n != nil {
				d.n[b] += n
			} else {
				d.list = append(d.list, pair{b, n})
			}
			d.lo, d.hi = min(d.lo, b), max(d.hi, b)
		}); err != nil {
			return nil, err
		}
	}
	scratch := make([]int64, NumBuckets) // for groups that kept a list
	summary := func(d *dense) Durations {
		arr := d.n
		if arr == nil {
			arr = scratch
			for _, p := range d.list {
				arr[p.b] += p.n
			}
			defer func() {
				for _, p := range d.list {
					arr[p.b] = 0
				}
			}()
		}
		var n int64
		for b := d.lo; b <= d.hi; b++ {
			n += arr[b]
		}
		out := Durations{Count: int(n)}
		if n > 0 {
			// kth is the value of the k-th smallest duration (1-based).
			kth := func(k int64) float64 {
				var seen int64
				for b := d.lo; b <= d.hi; b++ {
					if seen += arr[b]; seen >= k {
						return float64(BucketValue(b))
					}
				}
				return float64(BucketValue(d.hi))
			}
			med := kth((n + 1) / 2)
			if n%2 == 0 {
				med = (kth(n/2) + kth(n/2+1)) / 2
			}
			p90 := kth(int64(math.Ceil(0.9 * float64(n))))
			out.MedianSeconds, out.P90Seconds = &med, &p90
		}
		return out
	}
	out := make([]*Row, 0, len(groups))
	for k, g := range groups {
		if g.c.In == 0 && g.c.Out == 0 {
			continue // corrections that cancel out (pairs.go): no row, as from facts
		}
		r := &Row{Key: k, ConversationsIn: int(g.c.In), ConversationsOut: int(g.c.Out)}
		r.FirstResponse, r.FirstResponseBusiness = summary(&g.h[HistFirstResponse]), summary(&g.h[HistFirstResponseBusiness])
		r.Resolution, r.ResolutionBusiness = summary(&g.h[HistResolution]), summary(&g.h[HistResolutionBusiness])
		r.Handle = summary(&g.h[HistHandle])
		r.ReopenRate = ratio(int(g.c.Reopened), int(g.c.Out))
		r.SLA = SLA{Met: int(g.c.SLAMet), Breached: int(g.c.SLABreached)}
		r.CSAT.Sent, r.CSAT.Responses = int(g.c.CSATSent), int(g.c.CSATResponses)
		for i, n := range g.c.Ratings {
			r.CSAT.Distribution[i] = int(n)
		}
		r.CSAT.ResponseRate = ratio(r.CSAT.Responses, r.CSAT.Sent)
		r.CSAT.Average = ratio(int(g.c.RatingSum), r.CSAT.Responses)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
