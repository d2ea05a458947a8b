package http

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// fakeNodes is a directory where this node is "nself" and node "nx" runs
// at url.
type fakeNodes struct{ url string }

func (f fakeNodes) Self() string { return "nself" }
func (f fakeNodes) URL(ctx context.Context, node string) (string, bool, error) {
	return f.url, node == "nx", nil
}
func (f fakeNodes) Peers(ctx context.Context) ([]string, error) { return []string{f.url}, nil }

// seen is what the fake owner node received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func (s *seen) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// A call of another node is forwarded there as it came (method, path,
// body, the caller's credentials) with the forwarded mark, and the answer
// relayed without doubled headers; the caller is authenticated first. A
// call of a node that is gone is 404, and so is a forwarded request for a
// call this node does not have: nothing is forwarded twice.
func TestCallForwardedToOwner(t *testing.T) {
	got := &seen{}
	owner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.mu.Lock()
		got.reqs, got.body = append(got.reqs, r), append(got.body, string(b))
		got.mu.Unlock()
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict) // an answer only the owner gives
		_, _ = w.Write([]byte(`{"error":{"code":"conflict","message":"from owner"}}`))
	}))
	defer owner.Close()
	hub, err := media.NewHub(media.Config{IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, Config{BodyLimit: 4096}, func(cfg *envConfig) {
		svc := call.NewService(cfg.Store, hub, nil, call.Config{Node: "nself", WrapUp: time.Minute})
		cfg.Calls = Calls{Service: svc, Media: hub, Links: &call.Links{Secret: []byte("k"), Clock: desk.SystemClock{}}, Nodes: fakeNodes{url: owner.URL}}
	})

	req, _ := http.NewRequest("POST", e.url+"/api/v1/calls/nx.abc/transfer?x=1", strings.NewReader(`{"agent_id":"5"}`))
	req.Header.Set("Authorization", "Bearer "+e.agentA)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusConflict || string(body) != `{"error":{"code":"conflict","message":"from owner"}}` {
		t.Fatalf("relayed %d %s", res.StatusCode, body)
	}
	if csp := res.Header.Values("Content-Security-Policy"); len(csp) != 1 || csp[0] != "default-src 'none'" {
		t.Fatalf("security headers %v", csp)
	}
	r := got.reqs[0]
	if r.Method != "POST" || r.URL.Path != "/api/v1/calls/nx.abc/transfer" || r.URL.RawQuery != "x=1" || got.body[0] != `{"agent_id":"5"}` ||
		r.Header.Get("Authorization") != "Bearer "+e.agentA || r.Header.Get(forwardedHeader) != "nself" {
		t.Fatalf("owner got %s %s %q headers %v", r.Method, r.URL, got.body[0], r.Header)
	}

	e.do("POST", "/api/v1/calls/nx.abc/hold", "", "", 401, nil)
	e.do("POST", "/api/v1/calls/ngone.abc/hold", e.agentA, "", 404, nil)
	e.do("POST", "/api/v1/calls/nself.abc/hold", e.agentA, "", 404, nil)
	req, _ = http.NewRequest("POST", e.url+"/api/v1/calls/nx.abc/hold", nil)
	req.Header.Set("Authorization", "Bearer "+e.agentA)
	req.Header.Set(forwardedHeader, "nother")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("a forwarded request for a call not here: %d", res.StatusCode)
	}
	if n := got.count(); n != 1 {
		t.Fatalf("the owner got %d requests, want only the first", n)
	}

	// The caller's own call: not here and the store says the agent is
	// free, so no node is asked; busy, the peers are asked.
	e.do("GET", "/api/v1/me/call", e.agentA, "", 204, nil)
	if n := got.count(); n != 1 {
		t.Fatalf("peers asked for an idle agent: %d", n)
	}
	if _, err := e.store.SetCallState(desk.NewContextWithActor(context.Background(), desk.SystemActor), e.idA, desk.CallInCall); err != nil {
		t.Fatal(err)
	}
	var out apiError
	e.do("GET", "/api/v1/me/call", e.agentA, "", 409, &out)
	if out.Error.Message != "from owner" || got.count() != 2 || got.reqs[1].URL.Path != "/api/v1/me/call" {
		t.Fatalf("my call from a peer: %v, %d requests", out, got.count())
	}
}
