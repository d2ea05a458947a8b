package survey

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// fakeStore holds surveys by conversation and records the answers
// written; no database.
type fakeStore struct {
	tokens   map[string]desk.ID
	surveys  map[desk.ID]*desk.Survey
	customer map[desk.ID]desk.ID // conversation -> customer
	answers  []answer
	since    time.Time // the last LatestOpenSurvey's
	// Conversations, queues and the updates asked for (update_test.go).
	convs      map[desk.ID]*desk.Conversation
	queues     map[desk.ID]*desk.Queue
	queueReads int
	updates    []desk.ConversationUpdate
}

type answer struct {
	id     desk.ID
	rating int
	via    string
}

func (f *fakeStore) FindSurveyByToken(_ context.Context, token string) (desk.ID, *desk.Survey, error) {
	id, ok := f.tokens[token]
	if !ok {
		return 0, nil, desk.Errorf(desk.ENOTFOUND, "survey not found")
	}
	return id, f.surveys[id], nil
}

func (f *fakeStore) LatestOpenSurvey(_ context.Context, customerID desk.ID, since time.Time) (desk.ID, error) {
	f.since = since
	var best desk.ID
	for id, sv := range f.surveys {
		if f.customer[id] != customerID || sv.AnsweredAt != nil || sv.SentAt.Before(since) {
			continue
		}
		if best == 0 || sv.SentAt.After(f.surveys[best].SentAt) || (sv.SentAt.Equal(f.surveys[best].SentAt) && id > best) {
			best = id
		}
	}
	if best == 0 {
		return 0, desk.Errorf(desk.ENOTFOUND, "survey not found")
	}
	return best, nil
}

func (f *fakeStore) WriteSurveyAnswer(_ context.Context, id desk.ID, rating int, via string) error {
	sv := f.surveys[id]
	if sv.AnsweredAt != nil {
		return desk.CodedErrorf(desk.ECONFLICT, "survey_answered", "this survey has been answered already")
	}
	now := time.Now()
	sv.Rating, sv.AnsweredAt = &rating, &now
	f.answers = append(f.answers, answer{id, rating, via})
	return nil
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func newFake() *fakeStore {
	answered := now.Add(-time.Hour)
	return &fakeStore{
		tokens: map[string]desk.ID{"open": 1, "done": 2},
		surveys: map[desk.ID]*desk.Survey{
			1: {SentAt: now.Add(-2 * time.Hour)},
			2: {SentAt: now.Add(-3 * time.Hour), AnsweredAt: &answered},
			// Customer 7: an old one, a recent one, one out of the window.
			3: {SentAt: now.Add(-48 * time.Hour)},
			4: {SentAt: now.Add(-24 * time.Hour)},
			5: {SentAt: now.Add(-AnswerWindow - time.Second)},
		},
		customer: map[desk.ID]desk.ID{1: 9, 2: 9, 3: 7, 4: 7, 5: 8},
	}
}

func TestDue(t *testing.T) {
	sent := &desk.Survey{SentAt: now}
	for _, tt := range []struct {
		name      string
		c         desk.Conversation
		oldStatus string
		want      bool
	}{
		{"solved", desk.Conversation{Status: desk.ConversationSolved, Channel: desk.ChannelWhatsApp, CustomerID: 1}, desk.ConversationOpen, true},
		{"closed", desk.Conversation{Status: desk.ConversationClosed, Channel: desk.ChannelEmail, CustomerID: 1}, desk.ConversationWaiting, true},
		{"still open", desk.Conversation{Status: desk.ConversationWaiting, Channel: desk.ChannelWhatsApp, CustomerID: 1}, desk.ConversationOpen, false},
		{"solved to closed", desk.Conversation{Status: desk.ConversationClosed, Channel: desk.ChannelWhatsApp, CustomerID: 1}, desk.ConversationSolved, false},
		{"once per conversation", desk.Conversation{Status: desk.ConversationSolved, Channel: desk.ChannelWhatsApp, CustomerID: 1, Survey: sent}, desk.ConversationOpen, false},
		{"internal", desk.Conversation{Status: desk.ConversationSolved, Channel: desk.ChannelInternal, CustomerID: 1}, desk.ConversationOpen, false},
		{"no customer", desk.Conversation{Status: desk.ConversationSolved, Channel: desk.ChannelWhatsApp}, desk.ConversationOpen, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Due(&tt.c, tt.oldStatus); got != tt.want {
				t.Fatalf("Due = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMerged(t *testing.T) {
	early, late := &desk.Survey{SentAt: now.Add(-time.Hour)}, &desk.Survey{SentAt: now}
	for _, tt := range []struct {
		name       string
		keep, gone *desk.Survey
		want       bool
	}{
		{"neither", nil, nil, false},
		{"survivor only", late, nil, false},
		{"merged-away only", nil, early, true},
		{"merged-away later", early, late, true},
		{"survivor later", late, early, false},
		{"same time: the survivor's", late, &desk.Survey{SentAt: now}, false},
	} {
		if got := Merged(tt.keep, tt.gone); got != tt.want {
			t.Errorf("%s: Merged = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestQuestion(t *testing.T) {
	const plain = "How would you rate our help? Reply with a number from 1 (poor) to 5 (excellent)."
	for _, tt := range []struct{ publicURL, want string }{
		{"", plain},
		{"https://desk.example.com", plain + " Or answer at https://desk.example.com/survey/abc"},
		{"https://desk.example.com/", plain + " Or answer at https://desk.example.com/survey/abc"},
	} {
		if got := Question(tt.publicURL, "abc"); got != tt.want {
			t.Errorf("Question(%q) = %q, want %q", tt.publicURL, got, tt.want)
		}
	}
	if a, b := NewToken(), NewToken(); len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" || a == b {
		t.Fatalf("tokens %q %q: want two different 32 hex digits", a, b)
	}
}

func TestParseReply(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
		ok   bool
	}{
		{"1", 1, true}, {" 5 ", 5, true}, {"3.", 3, true}, {"\t4\n", 4, true},
		{"0", 0, false}, {"6", 0, false}, {"10", 0, false}, {"5!", 0, false}, {"five", 0, false}, {"", 0, false}, {"3..", 0, false},
	} {
		if got, ok := ParseReply(tt.text); got != tt.want || ok != tt.ok {
			t.Errorf("ParseReply(%q) = %d, %v; want %d, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAnswer(t *testing.T) {
	for _, tt := range []struct {
		name   string
		token  string
		rating int
		code   string // error code or kind; "" for none
		field  string
	}{
		{"answered", "open", 4, "", ""},
		{"rating too low", "open", 0, desk.EINVALID, "rating"},
		{"rating too high", "open", 6, desk.EINVALID, "rating"},
		{"rating checked first", "nope", 6, desk.EINVALID, "rating"},
		{"unknown token", "nope", 3, desk.ENOTFOUND, ""},
		{"empty token", "", 3, desk.ENOTFOUND, ""},
		{"answered already", "done", 5, "survey_answered", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := newFake()
			err := (&Service{Store: st}).Answer(context.Background(), tt.token, tt.rating)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(st.answers) != 1 || st.answers[0] != (answer{1, tt.rating, "web"}) {
					t.Fatalf("answers: %+v", st.answers)
				}
				return
			}
			if desk.ErrorCode(err) != tt.code && desk.ErrorKind(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q, want %q", desk.ErrorField(err), tt.field)
			}
			if len(st.answers) != 0 {
				t.Fatalf("written: %+v", st.answers)
			}
		})
	}
}

func TestAnswerReply(t *testing.T) {
	reply := func(customer desk.ID, text string) *desk.IngestResult {
		return &desk.IngestResult{Customer: &desk.Customer{ID: customer}, Message: &desk.Message{Text: text}}
	}
	for _, tt := range []struct {
		name string
		res  *desk.IngestResult
		want []answer
	}{
		{"latest open survey", reply(7, " 5."), []answer{{4, 5, "reply"}}},
		{"answered ones skipped", reply(9, "2"), []answer{{1, 2, "reply"}}},
		{"not a rating", reply(7, "thanks, 5 stars"), nil},
		{"out of range", reply(7, "6"), nil},
		{"out of the window", reply(8, "3"), nil},
		{"no survey", reply(99, "3"), nil},
		{"no customer", &desk.IngestResult{Message: &desk.Message{Text: "3"}}, nil},
		{"duplicate", &desk.IngestResult{Duplicate: true, Customer: &desk.Customer{ID: 7}, Message: &desk.Message{Text: "3"}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := newFake()
			got := (&Service{Store: st, Clock: fixedClock(now)}).AnswerReply(context.Background(), tt.res)
			if got != (len(tt.want) > 0) || len(st.answers) != len(tt.want) || (len(tt.want) > 0 && st.answers[0] != tt.want[0]) {
				t.Fatalf("AnswerReply = %v, answers %+v; want %+v", got, st.answers, tt.want)
			}
		})
	}
	// The window is AnswerWindow back from the clock.
	st := newFake()
	(&Service{Store: st, Clock: fixedClock(now)}).AnswerReply(context.Background(), reply(7, "1"))
	if !st.since.Equal(now.Add(-AnswerWindow)) {
		t.Fatalf("since = %v", st.since)
	}
}
