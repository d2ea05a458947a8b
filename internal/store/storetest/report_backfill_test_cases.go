package storetest

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// testReportBackfill: conversations from before reports and policies get
// their facts and running targets when the workers start; solved ones get
// a fact but no SLA clock.
func testReportBackfill(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Old")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	c1 := f.MustIngest("+4915550071", "o1", "old one", q.ID).Conversation
	c2 := f.MustIngest("+4915550072", "o2", "old two", q.ID).Conversation
	solved := desk.ConversationSolved
	if _, err := f.s.UpdateConversation(f.as(agent), c2.ID, desk.ConversationUpdate{Status: &solved}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.FindConversationsWithoutReportFact(f.as(agent), 0, 10); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent paging facts: %v", err)
	}
	missing, err := f.s.FindConversationsWithoutReportFact(f.sys, 0, 10)
	if err != nil || len(missing) != 2 || missing[0] != c1.ID || missing[1] != c2.ID {
		t.Fatalf("missing facts: %v %v", missing, err)
	}
	if err := f.s.CreateSLAPolicy(f.sys, &desk.SLAPolicy{QueueID: q.ID, ResolutionMinutes: 120}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := report.NewRecorder(f.s, log).Backfill(f.sys); err != nil {
		t.Fatal(err)
	}
	if missing, err := f.s.FindConversationsWithoutReportFact(f.sys, 0, 10); err != nil || len(missing) != 0 {
		t.Fatalf("after backfill: %v %v", missing, err)
	}
	// A conversation merged into another leaves the reports (the survivor
	// counts for both), and backfill does not bring it back.
	cu := &desk.Customer{Name: "Ann", Contacts: []desk.Contact{{Channel: "sms", Address: "+4915550079"}, {Channel: "email", Address: "ann@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, cu); err != nil {
		t.Fatal(err)
	}
	older := f.MustIngest("+4915550079", "o3", "sms", q.ID).Conversation
	newer, err := f.s.StartConversation(f.as(agent), &desk.NewConversation{Channel: "email", Sender: "help@brand.example", CustomerID: cu.ID,
		QueueID: q.ID, Message: &desk.Message{Text: "email"}})
	if err != nil {
		t.Fatal(err)
	}
	rec := report.NewRecorder(f.s, log)
	if err := rec.Backfill(f.sys); err != nil {
		t.Fatal(err)
	}
	if _, err := f.mergeConversations(f.as(agent), older.ID, newer.ID); err != nil {
		t.Fatal(err)
	}
	rec.Mark(older.ID, newer.ID)
	if err := rec.Flush(f.sys); err != nil {
		t.Fatal(err)
	}
	if err := rec.Backfill(f.sys); err != nil {
		t.Fatal(err)
	}
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	facts, err := f.s.FindReportFacts(f.as(sup), desk.ReportFilter{From: c1.CreatedAt.Add(-time.Hour), To: f.clock.Now().Add(time.Hour)})
	if err != nil || len(facts) != 3 {
		t.Fatalf("facts after merge: %d %v", len(facts), err)
	}
	for _, x := range facts {
		if x.ConversationID == newer.ID {
			t.Fatal("the merged-away conversation is still reported")
		}
	}
	// The merged-away fact left the rollups too.
	day := func(d int) string { return f.clock.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	sameReports(t, f.as(sup), f.s, "UTC", day(-2), day(2), q.ID, agent.ID)

	// A rebuild, as migration 280 leaves it on a database with facts:
	// reports read facts (rollups refuse) until the backfill has added
	// every fact again, then the cells, with the same answers.
	db := f.s
	for _, q := range []string{`DELETE FROM report_rollup`, `UPDATE report_facts SET rolled_up = FALSE`, `UPDATE report_rollup_state SET pending = TRUE`} {
		if _, err := db.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	fromRollups := func() error {
		_, err := report.Run(f.as(sup), f.s, report.Request{From: day(-2), To: day(2), Source: report.SourceRollup})
		return err
	}
	if err := fromRollups(); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("rollups answered while being rebuilt: %v", err)
	}
	if err := rec.Backfill(f.sys); err != nil {
		t.Fatal(err)
	}
	if err := fromRollups(); err != nil {
		t.Fatalf("after the rebuild: %v", err)
	}
	sameReports(t, f.as(sup), f.s, "UTC", day(-2), day(2), q.ID, agent.ID)
	if err := sla.NewTracker(f.s, f.clock, log, time.Second).Backfill(f.sys); err != nil {
		t.Fatal(err)
	}
	st, err := f.s.FindSLAStatus(f.as(agent), c1.ID)
	if err != nil || st.Resolution.Due == nil || !st.Resolution.Due.Equal(c1.CreatedAt.Add(2*time.Hour)) {
		t.Fatalf("backfilled status: %+v %v", st, err)
	}
	if st, err := f.s.FindSLAStatus(f.as(agent), c2.ID); err != nil || st.PolicyID != nil {
		t.Fatalf("solved conversation got a clock: %+v %v", st, err)
	}
	if left, err := f.s.FindConversationsWithoutSLA(f.sys, 0, 10); err != nil || len(left) != 0 {
		t.Fatalf("without SLA: %v %v", left, err)
	}
}
