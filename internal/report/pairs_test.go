package report

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// memStore keeps facts and their cells in memory, as the SQL store does
// (AddFact into one delta), to compare reports from both across many
// random questions without a database.
type memStore struct {
	facts []*desk.ReportFact
	cells Delta
	reads int // FindReportCells calls
}

func (m *memStore) FindReportFacts(_ context.Context, f desk.ReportFilter) ([]*desk.ReportFact, error) {
	in := func(t *time.Time) bool { return t != nil && !t.Before(f.From) && t.Before(f.To) }
	var out []*desk.ReportFact
	for _, x := range m.facts {
		if !in(&x.CreatedAt) && !in(x.ResolvedAt) {
			continue
		}
		if (f.QueueID != nil && *f.QueueID != x.QueueID) || (f.Channel != "" && f.Channel != x.Channel) ||
			(f.AgentID != nil && (x.AgentID == nil || *x.AgentID != *f.AgentID)) || (f.Tag != "" && !slices.Contains(x.Tags, f.Tag)) {
			continue
		}
		out = append(out, x)
	}
	return out, nil
}

func (m *memStore) FindReportCells(_ context.Context, q CellQuery) ([]RawCell, error) {
	m.reads++
	var out []RawCell
	for k, c := range m.cells {
		if k.Dim != q.Dim || (q.Key != nil && *q.Key != k.Key) {
			continue
		}
		if _, pair := pairParts[k.Dim]; pair && !q.match(k.Key) {
			continue
		}
		for _, r := range q.Ranges {
			b := time.UnixMicro(k.Bucket)
			if k.Width == r.Width && !b.Before(r.From) && b.Before(r.To) {
				out = append(out, RawCell{CellKey: k, Counts: c.Counts, Hists: EncodeHists(&c.Hists)})
			}
		}
	}
	return out, nil
}

func (m *memStore) ReportRollupsReady(context.Context) (bool, error) { return true, nil }

// Every report rollups answer — one dimension or two, any grouping, in
// zones east and west of UTC, over date and instant bounds — has the
// rows the facts give; three dimensions read facts.
func TestRollupsMatchFacts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 23))
	start := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC) // across the EU and US clock changes
	m := &memStore{cells: Delta{}}
	ids := []desk.ID{101, 102, 103}
	channels := []string{"sms", "email", "whatsapp"}
	tagSets := [][]string{nil, {"vip"}, {"billing"}, {"billing", "vip"}}
	dur := func() *time.Duration { d := time.Duration(rng.IntN(200000)) * time.Second; return &d }
	for i := range 3000 {
		f := &desk.ReportFact{ConversationID: desk.ID(i + 1), QueueID: ids[rng.IntN(3)], Channel: channels[rng.IntN(3)],
			CreatedAt: start.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour)))).Truncate(time.Second),
			Tags:      tagSets[rng.IntN(4)]}
		if rng.IntN(5) > 0 {
			a := desk.ID(900 + rng.IntN(4))
			f.AgentID = &a
		}
		if rng.IntN(3) > 0 {
			f.FirstResponse, f.FirstResponseBusiness = dur(), dur()
		}
		if rng.IntN(4) > 0 {
			r := f.CreatedAt.Add(time.Duration(rng.Int64N(int64(5 * 24 * time.Hour)))).Truncate(time.Second)
			f.ResolvedAt, f.Resolution, f.ResolutionBusiness, f.Handle = &r, dur(), dur(), dur()
			f.Reopens = rng.IntN(2)
			f.SLAApplied, f.SLABreached = rng.IntN(2) == 0, rng.IntN(3) == 0
			if f.SurveySent = rng.IntN(2) == 0; f.SurveySent && rng.IntN(2) == 0 {
				v := 1 + rng.IntN(5)
				f.SurveyRating = &v
			}
		}
		m.facts = append(m.facts, f)
		m.cells.AddFact(f, 1)
	}
	q, a := ids[1], desk.ID(901)
	filters := map[string]desk.ReportFilter{"none": {}, "queue": {QueueID: &q}, "agent": {AgentID: &a}, "tag": {Tag: "vip"},
		"queue+agent": {QueueID: &q, AgentID: &a}, "channel+tag": {Channel: "email", Tag: "billing"},
		"agent+channel": {AgentID: &a, Channel: "sms"}, "queue+channel+tag": {QueueID: &q, Channel: "sms", Tag: "vip"}}
	periods := []struct{ tz, from, to string }{
		{"Europe/Berlin", "2026-03-22", "2026-04-12"},
		{"America/New_York", "2026-03-25", "2026-04-02"},
		{"Asia/Tokyo", "2026-04-01", "2026-04-03"},
		{"UTC", "2026-03-21", "2026-04-18"},
		{"Europe/Berlin", "2026-03-24T05:00:00Z", "2026-03-27T19:00:00Z"},
		{"America/New_York", "2026-03-29T10:00:00Z", "2026-03-29T14:00:00Z"},
	}
	ctx := desk.NewContextWithActor(context.Background(), &desk.Actor{Role: desk.RoleSupervisor, AgentID: 1})
	pairs := 0
	for _, p := range periods {
		for _, g := range []string{GroupNone, GroupHour, GroupDay, GroupWeek, GroupQueue, GroupChannel, GroupAgent, GroupTag} {
			for name, flt := range filters {
				req := Request{From: p.from, To: p.to, Group: g, TimeZone: p.tz, Filter: flt, Source: SourceFacts}
				want, err := Run(ctx, m, req)
				if err != nil {
					t.Fatal(err)
				}
				req.Source = SourceRollup
				got, err := Run(ctx, m, req)
				label := fmt.Sprintf("%s by %s, %s %s–%s", name, g, p.tz, p.from, p.to)
				if desk.ErrorKind(err) == desk.EINVALID {
					if dims := len(filterDims(flt)); dims == 2 && g != GroupHour && g != GroupTag && g != GroupQueue && g != GroupChannel && g != GroupAgent {
						t.Fatalf("%s: rollups refused a two-dimension report: %v", label, err)
					}
					continue
				} else if err != nil {
					t.Fatalf("%s: %v", label, err)
				}
				if len(filterDims(flt)) == 3 {
					t.Fatalf("%s: three dimensions from rollups", label)
				}
				if _, ok := pairQuery(Query{Group: g}, flt); ok {
					pairs++
				}
				wj, _ := json.Marshal(want)
				gj, _ := json.Marshal(got)
				if string(wj) != string(gj) {
					t.Fatalf("%s:\nfacts  %s\nrollup %s", label, wj, gj)
				}
			}
		}
	}
	if pairs < 100 {
		t.Fatalf("only %d reports came from pair series", pairs)
	}
}
