package http

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestFirstRunSetup: on a store without an admin the setup endpoint
// creates the first admin and the organisation with the printed token
// only, signs them in, and refuses afterwards; the organisation's country
// then normalizes typed phone numbers.
func TestFirstRunSetup(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			var st *sqlstore.Store
			if kind == "sqlite" {
				s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				st = s
			} else {
				st = pgtest.Open(t, desk.SystemClock{})
			}
			const token = "0123456789abcdef0123456789abcdef"
			srv := httptest.NewServer(newTestServer(st, Config{SetupToken: token, Logger: slog.New(slog.DiscardHandler)}).Handler())
			t.Cleanup(srv.Close)
			e := &env{t: t, url: srv.URL, store: st}

			var got struct{ Needed bool }
			e.do("GET", "/api/v1/setup", "", "", 200, &got)
			if !got.Needed {
				t.Fatal("an empty data folder needs its setup")
			}
			body := func(tok, email, region string) string {
				b, _ := json.Marshal(map[string]string{"token": tok, "name": "Ada", "email": email, "password": "correct-horse-battery",
					"organisation": "Shop Ltd", "phone_region": region})
				return string(b)
			}
			for _, tt := range []struct {
				name, body  string
				status      int
				code, field string
			}{
				{"no token", body("", "ada@example.com", "DE"), 403, "setup_token", "token"},
				{"wrong token", body(strings.Repeat("0", 32), "ada@example.com", "DE"), 403, "setup_token", "token"},
				{"unknown country", body(token, "ada@example.com", "XX"), 400, "invalid", "phone_region"},
				{"short password", strings.Replace(body(token, "ada@example.com", "DE"), "correct-horse-battery", "short", 1), 400, "invalid", "password"},
				{"no organisation", strings.Replace(body(token, "ada@example.com", "DE"), "Shop Ltd", " ", 1), 400, "invalid", "organisation"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					e.t = t
					var ae apiError
					json.Unmarshal(e.do("POST", "/api/v1/setup", "", tt.body, tt.status, nil), &ae)
					if ae.Error.Code != tt.code || ae.Error.Field != tt.field {
						t.Fatalf("error = %+v", ae.Error)
					}
				})
			}
			e.t = t
			var out struct {
				Token string
				Agent struct{ Role, Email string }
			}
			resp, err := http.Post(srv.URL+"/api/v1/setup", "application/json", strings.NewReader(body(token, "ada@example.com", "de")))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 201 || json.Unmarshal(b, &out) != nil || out.Token == "" || out.Agent.Role != "admin" {
				t.Fatalf("setup: %d %s", resp.StatusCode, b)
			}
			if c := resp.Header.Get("Set-Cookie"); c == "" {
				t.Fatal("setup signs the admin in with a cookie")
			}
			e.do("GET", "/api/v1/setup", "", "", 200, &got)
			if got.Needed {
				t.Fatal("still needed after setup")
			}
			// Once: the same token again, or any other, is refused.
			var ae apiError
			json.Unmarshal(e.do("POST", "/api/v1/setup", "", body(token, "eve@example.com", "DE"), 409, nil), &ae)
			if ae.Error.Code != desk.CodeSetupDone {
				t.Fatalf("second setup: %+v", ae.Error)
			}
			var org desk.Organisation
			e.do("GET", "/api/v1/organisation", out.Token, "", 200, &org)
			if org.Name != "Shop Ltd" || org.PhoneRegion != "DE" {
				t.Fatalf("organisation: %+v", org)
			}
			// The admin works: a queue, and a number typed without + is
			// German now.
			var q desk.Queue
			e.do("POST", "/api/v1/queues", out.Token, `{"name":"Sales"}`, 201, &q)
			var c map[string]any
			e.do("POST", "/api/v1/conversations", out.Token, `{"channel":"sms","sender_address":"brand","to":"030 1234567","queue_id":"`+q.ID.String()+`"}`, 201, &c)
			if c["contact_address"] != "+49301234567" {
				t.Fatalf("typed number with the organisation's country: %v", c["contact_address"])
			}
		})
	}
}

// TestSetupWithoutToken: a server that printed no link (an admin existed
// at start) refuses setup as done.
func TestSetupWithoutToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ae apiError
	json.Unmarshal(e.do("POST", "/api/v1/setup", "", `{"token":"","name":"X","email":"x@example.com","password":"correct-horse","organisation":"O"}`, 409, nil), &ae)
	if ae.Error.Code != desk.CodeSetupDone {
		t.Fatalf("error = %+v", ae.Error)
	}
}
