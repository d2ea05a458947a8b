package sla

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func berlinCalendar() *desk.BusinessCalendar {
	bc := &desk.BusinessCalendar{TimeZone: "Europe/Berlin", Holidays: []string{"2026-12-25"}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		bc.Hours = append(bc.Hours, desk.BusinessHours{Day: d, Open: "09:00", Close: "17:00"})
	}
	return bc
}

func TestEvaluate(t *testing.T) {
	b := func(s string) time.Time { return berlin(t, s) }
	policy := &desk.SLAPolicy{ID: 1, FirstResponseMinutes: 60, NextResponseMinutes: 120, ResolutionMinutes: 8 * 60}
	item := func(kind, at string) desk.SLATimelineItem { return desk.SLATimelineItem{Kind: kind, At: b(at)} }
	type want struct {
		frDue, resDue, nrDue, nextDue string // "" = nil
		frBreach, nrBreach, resBreach bool
	}
	cases := []struct {
		name    string
		created string
		items   []desk.SLATimelineItem
		now     string
		want    want
	}{
		{"Friday evening message, answered Monday in time", "2026-12-04 16:30",
			[]desk.SLATimelineItem{item(desk.SLACustomerMessage, "2026-12-04 16:30"), item(desk.SLAAgentReply, "2026-12-07 09:20")},
			"2026-12-07 10:00", want{frDue: "2026-12-07 09:30", resDue: "2026-12-07 16:30", nextDue: "2026-12-07 16:30"}},
		{"no reply over the Christmas holiday: breached Monday 09:30", "2026-12-24 16:30",
			[]desk.SLATimelineItem{item(desk.SLACustomerMessage, "2026-12-24 16:30")},
			"2026-12-28 09:31", want{frDue: "2026-12-28 09:30", resDue: "2026-12-28 16:30", nextDue: "2026-12-28 16:30", frBreach: true}},
		{"still running on the holiday", "2026-12-24 16:30", nil,
			"2026-12-25 12:00", want{frDue: "2026-12-28 09:30", resDue: "2026-12-28 16:30", nextDue: "2026-12-28 09:30"}},
		{"customer writes again, slow next response, solved late", "2026-12-07 09:00",
			[]desk.SLATimelineItem{item(desk.SLAAgentReply, "2026-12-07 09:10"), item(desk.SLACustomerMessage, "2026-12-07 10:00"),
				item(desk.SLACustomerMessage, "2026-12-07 10:30"), item(desk.SLAAgentReply, "2026-12-07 12:30"), item(desk.SLASolved, "2026-12-08 09:30")},
			"2026-12-08 10:00", want{frDue: "2026-12-07 10:00", resDue: "2026-12-07 17:00", nrBreach: true, resBreach: true}},
		{"reopen resumes the resolution clock with the time left", "2026-12-07 09:00",
			[]desk.SLATimelineItem{item(desk.SLAAgentReply, "2026-12-07 09:30"), item(desk.SLASolved, "2026-12-07 15:00"),
				item(desk.SLAReopened, "2026-12-08 16:00"), item(desk.SLACustomerMessage, "2026-12-08 16:00")},
			"2026-12-08 16:05", want{frDue: "2026-12-07 10:00", resDue: "2026-12-09 10:00", nrDue: "2026-12-09 10:00", nextDue: "2026-12-09 10:00"}},
		{"solved before any reply stops first response", "2026-12-07 09:00",
			[]desk.SLATimelineItem{item(desk.SLASolved, "2026-12-07 09:45")},
			"2026-12-09 12:00", want{frDue: "2026-12-07 10:00", resDue: "2026-12-07 17:00"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &desk.SLAInput{ConversationID: 7, Policy: policy, Calendar: berlinCalendar(), CreatedAt: b(tc.created), Items: tc.items}
			st, err := Evaluate(in, b(tc.now))
			if err != nil {
				t.Fatal(err)
			}
			check := func(name string, got *time.Time, want string) {
				t.Helper()
				if want == "" {
					if got != nil {
						t.Errorf("%s = %v, want none", name, got.In(b(tc.now).Location()))
					}
				} else if got == nil || !got.Equal(b(want)) {
					t.Errorf("%s = %v, want %s", name, got, want)
				}
			}
			check("first response due", st.FirstResponse.Due, tc.want.frDue)
			check("resolution due", st.Resolution.Due, tc.want.resDue)
			check("next response due", st.NextResponse.Due, tc.want.nrDue)
			check("next due", st.NextDue, tc.want.nextDue)
			if st.FirstResponse.Breached != tc.want.frBreach || st.NextResponse.Breached != tc.want.nrBreach || st.Resolution.Breached != tc.want.resBreach {
				t.Errorf("breached fr/nr/res = %v/%v/%v, want %v/%v/%v", st.FirstResponse.Breached, st.NextResponse.Breached,
					st.Resolution.Breached, tc.want.frBreach, tc.want.nrBreach, tc.want.resBreach)
			}
		})
	}
	if st, _ := Evaluate(&desk.SLAInput{}, time.Now()); st != nil {
		t.Fatal("status without a policy")
	}
}

func TestCompileRejects(t *testing.T) {
	for field, bc := range map[string]*desk.BusinessCalendar{
		"time_zone": {TimeZone: "Mars/Olympus"},
		"hours":     {TimeZone: "UTC", Hours: []desk.BusinessHours{{Day: "mon", Open: "17:00", Close: "09:00"}}},
		"holidays":  {TimeZone: "UTC", Holidays: []string{"25/12/2026"}},
	} {
		_, err := Compile(bc)
		if e, ok := err.(*desk.Error); !ok || e.Field != field {
			t.Errorf("%s: error %v", field, err)
		}
	}
}

// The amber point of each running target is when a quarter of its
// business time is left; and the clocks while waiting on the customer:
// next response does not run (nothing awaits a reply) until the customer
// writes, resolution does not pause.
func TestEvaluateWarnAndWaitingOnCustomer(t *testing.T) {
	b := func(s string) time.Time { return berlin(t, s) }
	policy := &desk.SLAPolicy{ID: 1, FirstResponseMinutes: 60, NextResponseMinutes: 120, ResolutionMinutes: 8 * 60}
	eval := func(created string, now string, items ...desk.SLATimelineItem) *desk.SLAStatus {
		t.Helper()
		st, err := Evaluate(&desk.SLAInput{Policy: policy, Calendar: berlinCalendar(), CreatedAt: b(created), Items: items}, b(now))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	is := func(name string, got *time.Time, want string) {
		t.Helper()
		if want == "" && got != nil || want != "" && (got == nil || !got.Equal(b(want))) {
			t.Errorf("%s = %v, want %q", name, got, want)
		}
	}
	// Friday 16:30: 45 of the 60 minutes are 30 on Friday and 15 on Monday.
	st := eval("2026-12-04 16:30", "2026-12-04 16:31")
	is("first response warn", st.FirstResponse.WarnAt, "2026-12-07 09:15")
	is("resolution warn", st.Resolution.WarnAt, "2026-12-07 14:30")
	// Answered: no more warning for first response.
	item := func(kind, at string) desk.SLATimelineItem { return desk.SLATimelineItem{Kind: kind, At: b(at)} }
	st = eval("2026-12-07 09:00", "2026-12-09 12:00", item(desk.SLAAgentReply, "2026-12-07 09:10"))
	is("first response warn once met", st.FirstResponse.WarnAt, "")
	// Waiting on the customer since Monday 09:10: no next response runs,
	// nothing is breached for it; resolution kept running (due Monday 17:00).
	is("next response due while waiting on the customer", st.NextResponse.Due, "")
	if st.NextResponse.Breached || !st.Resolution.Breached {
		t.Fatalf("waiting on the customer: next %+v resolution %+v", st.NextResponse, st.Resolution)
	}
	// The customer writes Wednesday 12:00: next response due 14:00, amber at 13:30.
	st = eval("2026-12-07 09:00", "2026-12-09 12:30", item(desk.SLAAgentReply, "2026-12-07 09:10"), item(desk.SLACustomerMessage, "2026-12-09 12:00"))
	is("next response due", st.NextResponse.Due, "2026-12-09 14:00")
	is("next response warn", st.NextResponse.WarnAt, "2026-12-09 13:30")
	is("next due", st.NextDue, "2026-12-09 14:00")
	// A reopen with 2 of 8 hours spent: amber when 2 hours are left, 4 business hours later.
	st = eval("2026-12-07 09:00", "2026-12-08 09:00", item(desk.SLAAgentReply, "2026-12-07 09:10"),
		item(desk.SLASolved, "2026-12-07 11:00"), item(desk.SLAReopened, "2026-12-08 09:00"))
	is("resolution warn after reopen", st.Resolution.WarnAt, "2026-12-08 13:00")
	is("resolution due after reopen", st.Resolution.Due, "2026-12-08 15:00")
}
