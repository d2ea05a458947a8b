package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// surveyFixture is a store with a surveyed queue and a quiet one, a
// WhatsApp number and an agent of both.
type surveyFixture struct {
	*fixture
	cs      desk.ChannelStore
	on, off *desk.Queue
	wa      *desk.ChannelConfig
	ctx     context.Context // the agent's
}

// newSurveyFixture opens the store with the public URL that survey links
// start with ("" for none).
func newSurveyFixture(t *testing.T, open Opener, publicURL string) *surveyFixture {
	f := newFixtureWith(t, open, sqlstore.Options{PublicURL: publicURL})
	sf := &surveyFixture{fixture: f, cs: f.channels(), on: f.MustQueue("Surveyed"), off: f.MustQueue("Quiet")}
	yes := true
	if _, err := f.s.UpdateQueue(f.sys, sf.on.ID, desk.QueueUpdate{SurveyEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	sf.wa = f.MustChannel("15550200")
	sf.ctx = f.as(f.MustAgent("a@example.com", desk.RoleAgent, sf.on.ID, sf.off.ID))
	return sf
}

// ingest stores an inbound WhatsApp message and, as the inbound pipeline
// does, offers it to the surveys as an answer by reply.
func (sf *surveyFixture) ingest(from, ext, text string, q desk.ID) *desk.IngestResult {
	sf.t.Helper()
	res, err := sf.s.IngestMessage(sf.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: from, To: "15550200", Text: text, ExternalID: ext, QueueID: q})
	if err != nil {
		sf.t.Fatal(err)
	}
	sf.surveys().AnswerReply(sf.sys, res)
	return res
}

// setStatus changes the status through the survey use case, which
// decides the survey the change owes (as the workspace's PATCH does).
func (sf *surveyFixture) setStatus(id desk.ID, st string) *desk.Conversation {
	sf.t.Helper()
	c, err := sf.surveys().UpdateConversation(sf.ctx, id, desk.ConversationUpdate{Status: &st})
	if err != nil {
		sf.t.Fatal(err)
	}
	return c
}

func testSurveys(t *testing.T, open Opener) {
	// The survey link starts with the server's public URL (--public-url).
	sf := newSurveyFixture(t, open, "https://desk.example.com/")
	f, cs, on, off, wa, ctx, ingest, setStatus := sf.fixture, sf.cs, sf.on, sf.off, sf.wa, sf.ctx, sf.ingest, sf.setStatus
	// Solving in a surveyed queue sends one survey through the outbox.
	c := ingest("15551111", "w1", "help", on.ID).Conversation
	changes := f.recordChanges()
	solved := setStatus(c.ID, desk.ConversationSolved)
	if solved.Survey == nil || solved.Survey.Rating != nil {
		t.Fatalf("survey: %+v", solved.Survey)
	}
	if got := changes(); len(got) != 2 || got[1].Type != desk.ChangeMessageCreated {
		t.Fatalf("changes: %+v", got)
	}
	jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].ChannelID != wa.ID || !strings.Contains(jobs[0].Message.Text, "1 (poor) to 5") {
		t.Fatalf("survey job: %+v %v", jobs, err)
	}
	text := jobs[0].Message.Text
	token := text[strings.LastIndex(text, "/")+1:]
	if !strings.Contains(text, " Or answer at https://desk.example.com/survey/"+token) || len(token) != 32 {
		t.Fatalf("survey text %q: want a link to https://desk.example.com/survey/TOKEN", text)
	}
	// Once per conversation: reopening and closing sends none.
	setStatus(c.ID, desk.ConversationOpen)
	setStatus(c.ID, desk.ConversationClosed)
	if jobs, _ := cs.ClaimSendJobs(f.sys, 10, time.Minute); len(jobs) != 0 {
		t.Fatalf("second survey: %+v", jobs)
	}
	// Answers: rating checked, unknown token, then stored once.
	wantCode(t, f.answerSurvey(token, 6), desk.EINVALID)
	wantCode(t, f.answerSurvey("nope", 3), desk.ENOTFOUND)
	if err := f.answerSurvey(token, 4); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.answerSurvey(token, 5), "survey_answered")
	if got, _ := f.s.FindConversationByID(ctx, c.ID); got.Survey == nil || got.Survey.Rating == nil || *got.Survey.Rating != 4 || got.Survey.AnsweredAt == nil {
		t.Fatalf("answer: %+v", got.Survey)
	}
	// A queue without surveys sends none.
	q := ingest("15552222", "w2", "hi", off.ID).Conversation
	if got := setStatus(q.ID, desk.ConversationSolved); got.Survey != nil {
		t.Fatalf("quiet queue surveyed: %+v", got.Survey)
	}
	// The store writes a survey only when the update asks for it (the use
	// case decides, survey.Owed), with the change that closes, and once.
	st := func(id desk.ID, status string, ask bool) *desk.Conversation {
		t.Helper()
		got, err := f.s.UpdateConversation(ctx, id, desk.ConversationUpdate{Status: &status, Survey: ask})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	plain := ingest("15556666", "w7", "hi", on.ID).Conversation
	if got := st(plain.ID, desk.ConversationSolved, false); got.Survey != nil {
		t.Fatalf("survey not asked for, yet sent: %+v", got.Survey)
	}
	st(plain.ID, desk.ConversationOpen, false)
	if got := st(plain.ID, desk.ConversationWaiting, true); got.Survey != nil {
		t.Fatalf("asked for on a change that neither solves nor closes: %+v", got.Survey)
	}
	if got := st(plain.ID, desk.ConversationClosed, true); got.Survey == nil {
		t.Fatal("asked for with the change that closes, yet none sent")
	}
	st(plain.ID, desk.ConversationOpen, false)
	st(plain.ID, desk.ConversationSolved, true)
	if jobs, err := cs.ClaimSendJobs(f.sys, 10, time.Minute); err != nil || len(jobs) != 1 {
		t.Fatalf("survey jobs after asking twice: %+v %v; want one", jobs, err)
	}
	// Merge keeps only the most recent survey (C8).
	old := ingest("15554444", "w5", "first", on.ID).Conversation
	setStatus(old.ID, desk.ConversationClosed)
	f.clock.Add(time.Hour)
	cur := ingest("15554444", "w6", "second", on.ID).Conversation
	setStatus(cur.ID, desk.ConversationSolved)
	merged, err := f.mergeConversations(ctx, cur.ID, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	gone, _ := f.s.FindConversationByID(ctx, old.ID)
	if merged.ID != cur.ID || merged.Survey == nil || !merged.Survey.SentAt.Equal(f.clock.Now().UTC().Truncate(time.Microsecond)) || gone.Survey != nil {
		t.Fatalf("surveys after merge: kept %+v, older %+v", merged.Survey, gone.Survey)
	}
}

// testSurveyWithoutLink: without a public URL the survey carries no link
// (a bare path is of no use to a customer): a reply of 1-5 answers it.
func testSurveyWithoutLink(t *testing.T, open Opener) {
	sf := newSurveyFixture(t, open, "")
	c2 := sf.ingest("15553333", "w3", "hello", sf.on.ID).Conversation
	sf.setStatus(c2.ID, desk.ConversationSolved)
	if jobs, _ := sf.cs.ClaimSendJobs(sf.sys, 10, time.Minute); len(jobs) != 1 || strings.Contains(jobs[0].Message.Text, "/survey/") ||
		!strings.HasSuffix(jobs[0].Message.Text, "1 (poor) to 5 (excellent).") {
		t.Fatalf("survey without a public URL: %+v", jobs)
	}
	if r := sf.ingest("15553333", "w4", " 5 ", sf.on.ID); r.Conversation.ID != c2.ID {
		t.Fatalf("reply threaded into %v", r.Conversation.ID)
	}
	if got, _ := sf.s.FindConversationByID(sf.ctx, c2.ID); got.Survey.Rating == nil || *got.Survey.Rating != 5 {
		t.Fatalf("reply answer: %+v", got.Survey)
	}
}
