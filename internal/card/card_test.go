package card

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// TestCards fetches cards from httptest endpoints: a good one (signature
// checked, payload carrying conversation and customer), and failing ones
// that must become error cards; then edits write back.
func TestCards(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testCards(t, st)
	})
	t.Run("postgres", func(t *testing.T) { testCards(t, pgtest.Open(t, desk.SystemClock{})) })
}

func testCards(t *testing.T, st desk.Store) {
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	qa := &desk.Queue{Name: "A"}
	if err := st.CreateQueue(sys, qa); err != nil {
		t.Fatal(err)
	}
	res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+15550001", Text: "hi", ExternalID: "x1", QueueID: qa.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []Payload
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get(HeaderTimestamp)
		if r.Header.Get(HeaderSignature) != "sha256="+Sign("s3cret", ts, body) {
			http.Error(w, "bad signature", 401)
			return
		}
		var p Payload
		json.Unmarshal(body, &p)
		got = append(got, p)
		plan := "gold"
		if p.Values["plan"] != nil {
			plan = p.Values["plan"].(string)
		}
		w.Write([]byte(`{"fields":{"plan":"` + plan + `","orders":3,"secret_field":"x"}}`))
	}))
	defer good.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 500) }))
	defer broken.Close()
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"fields":{"a":"` + strings.Repeat("x", 5000) + `"}}`))
	}))
	defer huge.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`<html>`)) }))
	defer garbage.Close()
	for _, c := range []*desk.Card{
		{Name: "1 CRM", URL: good.URL, Secret: "s3cret", Fields: []desk.CardField{{Name: "plan", Editable: true}, {Name: "orders"}}},
		{Name: "2 slow", URL: slow.URL, Fields: []desk.CardField{{Name: "a"}}},
		{Name: "3 broken", URL: broken.URL, Fields: []desk.CardField{{Name: "a"}}},
		{Name: "4 huge", URL: huge.URL, Fields: []desk.CardField{{Name: "a"}}},
		{Name: "5 garbage", URL: garbage.URL, Fields: []desk.CardField{{Name: "a"}}},
	} {
		if err := st.CreateCard(sys, c); err != nil {
			t.Fatal(err)
		}
	}
	// Loopback must be allowed explicitly: the safe client refuses it.
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	s := &Service{Store: st, Client: safehttp.NewClient(safehttp.Config{Allow: allow}), Timeout: 100 * time.Millisecond, MaxBytes: 1000}
	views, err := s.Cards(sys, res.Conversation.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 5 || views[0].Error != "" || views[0].Fields[0].Value != "gold" || views[0].Fields[1].Value != 3.0 || len(views[0].Fields) != 2 {
		t.Fatalf("good card: %+v", views[0])
	}
	for i, want := range []string{"reached", "answered 500", "more than 1000 bytes", "did not answer JSON"} {
		if !strings.Contains(views[i+1].Error, want) {
			t.Errorf("card %s: error %q, want %q", views[i+1].Name, views[i+1].Error, want)
		}
	}
	if len(got) != 1 || got[0].Action != "fetch" || got[0].Conversation.ID != res.Conversation.ID || got[0].Customer == nil || got[0].Customer.ID != res.Customer.ID {
		t.Fatalf("payload: %+v", got)
	}
	// Edits: only editable fields; the endpoint's answer is shown.
	v, err := s.Edit(sys, res.Conversation.ID, views[0].CardID, map[string]any{"plan": "silver"})
	if err != nil || v.Error != "" || v.Fields[0].Value != "silver" || got[1].Action != "update" {
		t.Fatalf("edit: %v %+v", err, v)
	}
	_, err = s.Edit(sys, res.Conversation.ID, views[0].CardID, map[string]any{"orders": 4})
	if desk.ErrorField(err) != "values.orders" {
		t.Fatalf("read-only field: %v", err)
	}
	_, err = s.Edit(sys, res.Conversation.ID, 999999, map[string]any{"plan": "x"})
	if desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("unknown card: %v", err)
	}
	// An edit to a failing endpoint is an error card, not an error.
	if v, err := s.Edit(sys, res.Conversation.ID, views[2].CardID, map[string]any{}); err == nil || v != nil {
		t.Fatalf("empty values accepted: %+v", v)
	}
	// The default safe client refuses loopback: an error card again.
	s.Client = safehttp.NewClient(safehttp.Config{})
	views, _ = s.Cards(sys, res.Conversation.ID)
	if views[0].Error == "" {
		t.Fatalf("loopback reached: %+v", views[0])
	}
	// Nobody else's conversation: ENOTFOUND for an agent outside its queue.
	q := &desk.Queue{Name: "Other"}
	st.CreateQueue(sys, q)
	a := &desk.Agent{Email: "b@example.com", Role: desk.RoleAgent, Capacity: 1, QueueIDs: []desk.ID{q.ID}}
	st.CreateAgent(sys, a)
	_, err = s.Cards(desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: a.ID, Role: desk.RoleAgent}), res.Conversation.ID)
	if desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("other queue: %v", err)
	}
}
