package http

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestSurveyPage follows the survey link of C12 end to end: the message
// links to the page under the public URL, the page offers 1-5, its form
// stores the answer once; bad ratings and unknown tokens get pages that
// say so.
func TestSurveyPage(t *testing.T) {
	// The store is opened with the public URL (--public-url).
	opts := sqlstore.Options{PublicURL: "https://desk.example.com"}
	for _, st := range []struct {
		name string
		open func(t *testing.T) *sqlstore.Store
	}{
		{"sqlite", func(t *testing.T) *sqlstore.Store { return sqlitetest.OpenWith(t, desk.SystemClock{}, opts) }},
		{"postgres", func(t *testing.T) *sqlstore.Store { return pgtest.OpenWith(t, desk.SystemClock{}, opts) }},
	} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st.open(t), Config{BodyLimit: 4096})
			sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
			yes := true
			if _, err := e.store.UpdateQueue(sys, e.queueA, desk.QueueUpdate{SurveyEnabled: &yes}); err != nil {
				t.Fatal(err)
			}
			conv := "/api/v1/conversations/" + e.convA.String()
			e.do("PATCH", conv, e.agentA, `{"status":"solved"}`, 200, nil)
			var thread struct{ Items []desk.Message }
			e.do("GET", conv+"/messages", e.agentA, "", 200, &thread)
			last := thread.Items[len(thread.Items)-1].Text
			i := strings.Index(last, "https://desk.example.com/survey/")
			if i < 0 {
				t.Fatalf("survey message without the link: %q", last)
			}
			token := last[i+len("https://desk.example.com/survey/"):]

			page := func(method, path string, form url.Values) (int, string) {
				t.Helper()
				var body io.Reader
				if form != nil {
					body = strings.NewReader(form.Encode())
				}
				req, _ := http.NewRequest(method, e.url+path, body)
				if form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Fatalf("%s %s: content type %q", method, path, ct)
				}
				return resp.StatusCode, string(b)
			}
			status, html := page("GET", "/survey/"+token, nil)
			if status != 200 || !strings.Contains(html, `action="/survey/`+token+`"`) || strings.Count(html, `name="rating"`) != 5 {
				t.Fatalf("page: %d\n%s", status, html)
			}
			if _, html := page("GET", "/survey/%22%3E%3Cscript%3E", nil); strings.Contains(html, "<script>") {
				t.Fatalf("the token is not escaped:\n%s", html)
			}
			tests := []struct {
				name, token, rating string
				want                int
				says                string
			}{
				{"rating out of range", token, "9", 400, "from 1 to 5"},
				{"rating not a number", token, "great", 400, "from 1 to 5"},
				{"unknown token", "0123", "4", 404, "not valid"},
				{"answer", token, "4", 200, "Thank you for your feedback"},
				{"answered already", token, "5", 409, "answered already"},
			}
			for _, tt := range tests {
				status, html := page("POST", "/survey/"+tt.token, url.Values{"rating": {tt.rating}})
				if status != tt.want || !strings.Contains(html, tt.says) {
					t.Fatalf("%s: %d, want %d saying %q:\n%s", tt.name, status, tt.want, tt.says, html)
				}
			}
			var c desk.Conversation
			e.do("GET", conv, e.agentA, "", 200, &c)
			if c.Survey == nil || c.Survey.Rating == nil || *c.Survey.Rating != 4 {
				t.Fatalf("stored answer: %+v", c.Survey)
			}
		})
	}
}
