package sla

import (
	"sort"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Evaluate computes a conversation's SLA status at now from its timeline
// (see docs/reports.md for the definitions). It returns nil when no
// policy applies. The rules:
//
//   - First response is due FirstResponseMinutes of business time after
//     the conversation was created, and met by the first agent reply
//     (an outbound message written by an agent: not a note, not an
//     automated or bot message). Solving before any reply stops it.
//   - Next response runs after the first reply: a customer message with
//     no agent reply since starts it, due NextResponseMinutes later; the
//     next agent reply meets it. Solving stops it.
//   - Resolution is due ResolutionMinutes of business time after
//     creation and met by solving (or closing). A reopen resumes the
//     clock with the business time left.
//
// A target is breached when met after its due time, or still running
// after it. A reply exactly at the due time meets it.
func Evaluate(in *desk.SLAInput, now time.Time) (*desk.SLAStatus, error) {
	if in.Policy == nil {
		return nil, nil
	}
	cal := Always()
	if in.Calendar != nil {
		c, err := Compile(in.Calendar)
		if err != nil {
			return nil, err
		}
		cal = c
	}
	p := in.Policy
	minutes := func(n int) time.Duration { return time.Duration(n) * time.Minute }
	due := func(from time.Time, d time.Duration) *time.Time {
		if d < 0 {
			d = 0
		}
		t, ok := cal.Add(from, d)
		if !ok {
			return nil
		}
		t = t.UTC()
		return &t
	}
	// warn is when a quarter of a target of d counted from from is left.
	warn := func(from time.Time, d time.Duration) *time.Time { return due(from, d*3/4) }
	after := func(t time.Time, d *time.Time) bool { return d != nil && t.After(*d) }

	items := append([]desk.SLATimelineItem(nil), in.Items...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })

	pid := p.ID
	st := &desk.SLAStatus{ConversationID: in.ConversationID, PolicyID: &pid, QueueID: in.QueueID}
	var (
		open         = true
		frDue        *time.Time
		frStoppedAt  *time.Time
		pendingSince *time.Time
		nrBreached   bool
		resStart     = in.CreatedAt
		resSpent     time.Duration
		resDue       *time.Time
		resBreached  bool
	)
	if p.FirstResponseMinutes > 0 {
		frDue = due(in.CreatedAt, minutes(p.FirstResponseMinutes))
	}
	if p.ResolutionMinutes > 0 {
		resDue = due(resStart, minutes(p.ResolutionMinutes))
	}
	for _, it := range items {
		at := it.At.UTC()
		switch it.Kind {
		case desk.SLACustomerMessage:
			if st.FirstResponse.MetAt != nil && open && pendingSince == nil {
				pendingSince = &at
			}
		case desk.SLAAgentReply:
			if st.FirstResponse.MetAt == nil && frStoppedAt == nil {
				st.FirstResponse.MetAt = &at
			} else if pendingSince != nil {
				if p.NextResponseMinutes > 0 && after(at, due(*pendingSince, minutes(p.NextResponseMinutes))) {
					nrBreached = true
				}
				st.NextResponse.MetAt = &at
				pendingSince = nil
			}
		case desk.SLASolved:
			if !open {
				continue
			}
			open = false
			if st.FirstResponse.MetAt == nil && frStoppedAt == nil {
				frStoppedAt = &at
			}
			if pendingSince != nil && p.NextResponseMinutes > 0 && after(at, due(*pendingSince, minutes(p.NextResponseMinutes))) {
				nrBreached = true
			}
			pendingSince = nil
			resSpent += cal.Between(resStart, at)
			if after(at, resDue) {
				resBreached = true
			}
			st.Resolution.MetAt = &at
		case desk.SLAReopened:
			if open {
				continue
			}
			open = true
			resStart = at
			st.Resolution.MetAt = nil
			if p.ResolutionMinutes > 0 {
				resDue = due(resStart, minutes(p.ResolutionMinutes)-resSpent)
			}
		}
	}
	var running []*time.Time
	// First response.
	if frDue != nil {
		st.FirstResponse.Due = frDue
		if st.FirstResponse.MetAt == nil && frStoppedAt == nil {
			st.FirstResponse.WarnAt = warn(in.CreatedAt, minutes(p.FirstResponseMinutes))
		}
		switch {
		case st.FirstResponse.MetAt != nil:
			st.FirstResponse.Breached = after(*st.FirstResponse.MetAt, frDue)
		case frStoppedAt != nil:
			st.FirstResponse.Breached = after(*frStoppedAt, frDue)
		default:
			st.FirstResponse.Breached = after(now, frDue)
			if !st.FirstResponse.Breached {
				running = append(running, frDue)
			}
		}
	}
	// Next response: Due only while a customer message awaits a reply.
	st.NextResponse.Breached = nrBreached
	if pendingSince != nil && p.NextResponseMinutes > 0 {
		st.NextResponse.Due = due(*pendingSince, minutes(p.NextResponseMinutes))
		st.NextResponse.WarnAt = warn(*pendingSince, minutes(p.NextResponseMinutes))
		if after(now, st.NextResponse.Due) {
			st.NextResponse.Breached = true
		} else if st.NextResponse.Due != nil && !nrBreached {
			running = append(running, st.NextResponse.Due)
		}
	}
	// Resolution.
	if resDue != nil {
		st.Resolution.Due = resDue
		if open {
			st.Resolution.WarnAt = due(resStart, minutes(p.ResolutionMinutes)*3/4-resSpent)
		}
		st.Resolution.Breached = resBreached
		if open && after(now, resDue) {
			st.Resolution.Breached = true
		} else if open && !resBreached {
			running = append(running, resDue)
		}
	}
	for _, d := range running {
		if st.NextDue == nil || d.Before(*st.NextDue) {
			st.NextDue = d
		}
	}
	computed := now.UTC()
	st.UpdatedAt = &computed
	return st, nil
}
