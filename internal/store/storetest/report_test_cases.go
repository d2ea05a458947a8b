package storetest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
	"github.com/switchboard-cc/switchboard/internal/sla"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// testReportScriptedDays plays three conversations from a Friday to the
// Tuesday after a Monday holiday in Berlin and checks the report facts
// and metrics against answers worked out by hand (docs/reports.md):
//
//	1: Fri 16:00 in, note 16:10, reply Tue 09:30, solved 10:00, CSAT 4.
//	   FRT 89.5 h (business 1.5 h: Fri 16–17, Tue 09–09:30), resolution
//	   90 h (business 2 h); the 60-minute first-response SLA is breached.
//	2: Tue 10:00 in, assigned to B 10:05, reply 10:20, solved 11:00,
//	   customer writes 11:30 (reopened), reply 11:40, solved 12:00; the
//	   survey goes unanswered. FRT 20 min, resolution 2 h, handle 1 h 55,
//	   one reopen, SLA met.
//	3: Tue 10:30 in, never answered (in only).
func testReportScriptedDays(t *testing.T, open Opener) {
	f := newFixtureWith(t, open, sqlstore.Options{PublicURL: "https://desk.example.com/"})
	var rs desk.ReportStore = f.s
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	to := func(s string) {
		t.Helper()
		d := at(s).Sub(f.clock.Now())
		if d < 0 {
			t.Fatalf("clock cannot go back to %s", s)
		}
		f.clock.Add(d)
	}
	q := f.MustQueue("Sales")
	yes := true
	if _, err := f.s.UpdateQueue(f.sys, q.ID, desk.QueueUpdate{SurveyEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	a := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	b := f.MustAgent("b@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	cal := &desk.BusinessCalendar{Name: "Berlin", TimeZone: "Europe/Berlin", Holidays: []string{"2026-03-09"}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		cal.Hours = append(cal.Hours, desk.BusinessHours{Day: d, Open: "09:00", Close: "17:00"})
	}
	if err := f.s.CreateCalendar(f.as(sup), cal); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetQueueCalendar(f.as(sup), q.ID, &cal.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.CreateSLAPolicy(f.as(sup), &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tracker := sla.NewTracker(f.s, f.clock, log, time.Second)
	recorder := report.NewRecorder(f.s, log)
	f.onChanges(desk.ChangeHandlers(tracker.HandleChanges, recorder.HandleChanges))
	// settle does what the workers do after each step.
	settle := func(ids ...desk.ID) {
		t.Helper()
		if err := tracker.Sync(f.sys, ids...); err != nil {
			t.Fatal(err)
		}
		if err := tracker.Sweep(f.sys); err != nil {
			t.Fatal(err)
		}
		recorder.HandleChanges(func() (chs []desk.Change) {
			for _, id := range ids {
				chs = append(chs, desk.Change{ConversationID: id})
			}
			return chs
		}())
		if err := recorder.Flush(f.sys); err != nil {
			t.Fatal(err)
		}
	}
	write := func(agent *desk.Agent, id desk.ID, kind string) {
		t.Helper()
		if err := f.s.CreateMessage(f.as(agent), &desk.Message{ConversationID: id, Kind: kind, Text: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	setStatus := func(agent *desk.Agent, id desk.ID, st string) {
		t.Helper()
		if _, err := f.surveys().UpdateConversation(f.as(agent), id, desk.ConversationUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
	}

	to("2026-03-06 16:00")
	c1 := f.MustIngest("+4915550091", "r1", "where is my parcel", q.ID).Conversation
	to("2026-03-06 16:10")
	write(a, c1.ID, desk.KindNote)
	to("2026-03-10 09:30")
	write(a, c1.ID, desk.KindMessage)
	to("2026-03-10 10:00")
	setStatus(a, c1.ID, desk.ConversationSolved)
	c2 := f.MustIngest("+4915550092", "r2", "invoice wrong", q.ID).Conversation
	tags := []string{"billing"}
	if _, err := f.s.UpdateConversation(f.as(a), c2.ID, desk.ConversationUpdate{Tags: &tags}); err != nil {
		t.Fatal(err)
	}
	to("2026-03-10 10:05")
	if _, err := f.s.AssignConversation(f.as(sup), c2.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	to("2026-03-10 10:20")
	write(b, c2.ID, desk.KindMessage)
	to("2026-03-10 10:30")
	c3 := f.MustIngest("+4915550093", "r3", "hello", q.ID).Conversation
	to("2026-03-10 10:45")
	// Customer 1 answers the survey on the web: 4 of 5.
	msgs, _, err := f.s.FindMessages(f.as(sup), c1.ID, desk.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	survey := msgs[len(msgs)-1].Text
	token := survey[strings.LastIndex(survey, "/")+1:]
	if err := f.answerSurvey(token, 4); err != nil {
		t.Fatal(err)
	}
	to("2026-03-10 11:00")
	setStatus(b, c2.ID, desk.ConversationSolved)
	// Recorded now, then again after the reopen: the rollups take the
	// first fact back out.
	settle(c1.ID, c2.ID, c3.ID)
	to("2026-03-10 11:30")
	f.MustIngest("+4915550092", "r2b", "still wrong", q.ID)
	to("2026-03-10 11:40")
	write(b, c2.ID, desk.KindMessage)
	to("2026-03-10 12:00")
	setStatus(b, c2.ID, desk.ConversationSolved)
	settle(c1.ID, c2.ID, c3.ID)

	// Who may read reports is access.Rules' (internal/access).
	period := desk.ReportFilter{From: at("2026-03-06 00:00"), To: at("2026-03-11 00:00")}
	facts, err := rs.FindReportFacts(f.as(sup), period)
	if err != nil || len(facts) != 3 {
		t.Fatalf("facts: %d %v", len(facts), err)
	}
	byID := map[desk.ID]*desk.ReportFact{}
	for _, x := range facts {
		byID[x.ConversationID] = x
	}
	f1, f2, f3 := byID[c1.ID], byID[c2.ID], byID[c3.ID]
	dur := func(name string, got *time.Duration, want time.Duration) {
		t.Helper()
		if got == nil || *got != want {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
	}
	dur("1 FRT", f1.FirstResponse, 89*time.Hour+30*time.Minute)
	dur("1 FRT business", f1.FirstResponseBusiness, 90*time.Minute)
	dur("1 resolution", f1.Resolution, 90*time.Hour)
	dur("1 resolution business", f1.ResolutionBusiness, 2*time.Hour)
	if f1.Handle != nil || f1.AgentID == nil || *f1.AgentID != a.ID || !f1.SLAApplied || !f1.SLABreached || f1.SurveyRating == nil || *f1.SurveyRating != 4 {
		t.Fatalf("fact 1: %+v", f1)
	}
	dur("2 FRT", f2.FirstResponse, 20*time.Minute)
	dur("2 resolution", f2.Resolution, 2*time.Hour)
	dur("2 handle", f2.Handle, time.Hour+55*time.Minute)
	if f2.Reopens != 1 || f2.SLABreached || !f2.SurveySent || f2.SurveyRating != nil || len(f2.Tags) != 1 || *f2.AgentID != b.ID {
		t.Fatalf("fact 2: %+v", f2)
	}
	if f3.FirstResponse != nil || f3.ResolvedAt != nil || f3.AgentID != nil {
		t.Fatalf("fact 3: %+v", f3)
	}

	// The metrics over the whole period, then per Berlin day.
	rows := report.Compute(facts, report.Query{From: period.From, To: period.To, Group: report.GroupNone, Location: berlin})
	if len(rows) != 1 {
		t.Fatalf("rows: %v", rows)
	}
	r := rows[0]
	num := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
	}
	if r.ConversationsIn != 3 || r.ConversationsOut != 2 || r.FirstResponse.Count != 2 || r.Handle.Count != 1 {
		t.Fatalf("total: %v", r)
	}
	num("FRT median", r.FirstResponse.MedianSeconds, (1200+322200)/2)
	num("FRT p90", r.FirstResponse.P90Seconds, 322200)
	num("FRT business median", r.FirstResponseBusiness.MedianSeconds, (1200+5400)/2)
	num("resolution median", r.Resolution.MedianSeconds, (7200+324000)/2)
	num("resolution business p90", r.ResolutionBusiness.P90Seconds, 7200)
	num("reopen rate", r.ReopenRate, 0.5)
	num("CSAT response rate", r.CSAT.ResponseRate, 0.5)
	num("CSAT average", r.CSAT.Average, 4)
	if r.SLA.Met != 1 || r.SLA.Breached != 1 || r.CSAT.Distribution != [5]int{0, 0, 0, 1, 0} {
		t.Fatalf("SLA and CSAT: %+v %+v", r.SLA, r.CSAT)
	}
	days := report.Compute(facts, report.Query{From: period.From, To: period.To, Group: report.GroupDay, Location: berlin})
	if len(days) != 2 || days[0].Key != "2026-03-06" || days[0].ConversationsIn != 1 || days[0].ConversationsOut != 0 ||
		days[1].Key != "2026-03-10" || days[1].ConversationsIn != 2 || days[1].ConversationsOut != 2 {
		t.Fatalf("days: %v", days)
	}
	// Filters: a tag, an agent, a period that holds only Tuesday.
	tag := period
	tag.Tag = "billing"
	if got, err := rs.FindReportFacts(f.as(sup), tag); err != nil || len(got) != 1 || got[0].ConversationID != c2.ID {
		t.Fatalf("tag filter: %v %v", got, err)
	}
	byAgent := period
	byAgent.AgentID = &a.ID
	if got, err := rs.FindReportFacts(f.as(sup), byAgent); err != nil || len(got) != 1 || got[0].ConversationID != c1.ID {
		t.Fatalf("agent filter: %v %v", got, err)
	}
	tuesday := desk.ReportFilter{From: at("2026-03-10 00:00"), To: at("2026-03-11 00:00")}
	if got, err := rs.FindReportFacts(f.as(sup), tuesday); err != nil || len(got) != 3 {
		t.Fatalf("Tuesday: %d %v", len(got), err) // 1 was resolved on Tuesday
	}
	// The rollups answer as the facts do.
	sameReports(t, f.as(sup), f.s, "Europe/Berlin", "2026-03-06", "2026-03-11", q.ID, a.ID)
	sameReports(t, f.as(sup), f.s, "UTC", "2026-03-01", "2026-04-01", q.ID, b.ID)
	sameReports(t, f.as(sup), f.s, "America/New_York", "2026-03-09T10:00:00Z", "2026-03-10T11:00:00Z", q.ID, b.ID)
	// Days that start half an hour off a UTC hour are read from facts.
	if _, err := report.Run(f.as(sup), f.s, report.Request{From: "2026-03-06", To: "2026-03-11", Group: report.GroupDay,
		TimeZone: "Asia/Kolkata", Source: report.SourceRollup}); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("Kolkata days from rollups: %v", err)
	}
}

// sameReports runs reports of every grouping and filter from facts and,
// where rollups can answer, from rollups, and compares them.
func sameReports(t *testing.T, ctx context.Context, s report.Store, tz, from, to string, queue, agent desk.ID) {
	t.Helper()
	filters := map[string]desk.ReportFilter{"none": {}, "queue": {QueueID: &queue}, "agent": {AgentID: &agent},
		"channel": {Channel: "sms"}, "tag": {Tag: "Billing"}, "queue+tag": {QueueID: &queue, Tag: "billing"},
		"queue+agent": {QueueID: &queue, AgentID: &agent}, "channel+tag": {Channel: "sms", Tag: "billing"},
		"queue+channel+agent": {QueueID: &queue, Channel: "sms", AgentID: &agent}}
	rolled := 0
	for _, g := range []string{report.GroupNone, report.GroupHour, report.GroupDay, report.GroupWeek, report.GroupQueue,
		report.GroupChannel, report.GroupAgent, report.GroupTag} {
		for name, flt := range filters {
			req := report.Request{From: from, To: to, Group: g, TimeZone: tz, Filter: flt, Source: report.SourceFacts}
			want, err := report.Run(ctx, s, req)
			if err != nil {
				t.Fatalf("%s by %s, facts: %v", name, g, err)
			}
			req.Source = report.SourceRollup
			got, err := report.Run(ctx, s, req)
			if desk.ErrorKind(err) == desk.EINVALID {
				continue // not a question rollups answer
			} else if err != nil {
				t.Fatalf("%s by %s, rollup: %v", name, g, err)
			}
			rolled++
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(got)
			if string(wj) != string(gj) {
				t.Fatalf("%s by %s in %s:\nfacts  %s\nrollup %s", name, g, tz, wj, gj)
			}
		}
	}
	// 8 groupings without a filter; per one-dimension filter, the 4 time
	// groupings and total plus its own dimension (tag: not by tag), plus
	// (pair series) by each other dimension; per two-dimension filter,
	// total, day, week and by either (tag: not by tag); none of three.
	if rolled != 8+(5+3)*3+(4+3)+(3+1)*2+(3+2) {
		t.Fatalf("%d reports came from rollups, want 52", rolled)
	}
}
