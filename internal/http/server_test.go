package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/card"
	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/compose"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/inbound"
	"github.com/switchboard-cc/switchboard/internal/macro"
	"github.com/switchboard-cc/switchboard/internal/merge"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/privacy"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/survey"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// env is a server on a real SQLite store with accounts of every role.
type env struct {
	t                          *testing.T
	url                        string
	handler                    http.Handler // the server's, unwrapped
	store                      *sqlstore.Store
	admin, sup, agentA, agentB string // bearer tokens
	idA, idB, idSup, idAdmin   desk.ID
	convA, convB               desk.ID
	queueA, queueB             desk.ID
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, Config{BodyLimit: 4096})
}

// newPGEnv is newEnv on a PostgreSQL store of its own.
func newPGEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, pgtest.Open(t, desk.SystemClock{}), Config{BodyLimit: 4096})
}

// bothStores runs an API scenario on SQLite and on PostgreSQL; run builds
// its server with the newEnv it is given.
func bothStores(t *testing.T, run func(t *testing.T, newEnv func(*testing.T) *env)) {
	t.Run("sqlite", func(t *testing.T) { run(t, newEnv) })
	t.Run("postgres", func(t *testing.T) { run(t, newPGEnv) })
}

// envConfig is a test server's configuration and what the test builds
// its use cases from (internal/app builds the server's own).
type envConfig struct {
	Config
	// SQL is the store under test, which Config.Store is too: the use
	// cases are built over it as internal/app builds them, each over the
	// store interface it declares (both SQL stores are this one type).
	SQL *sqlstore.Store
	// Calls is the voice feature; a zero value turns calls off.
	Calls Calls
	// Notify wakes the send workers after a reply is committed (nil: they
	// poll).
	Notify func()
	// DefaultRegion is the country of numbers typed without "+" (C3).
	DefaultRegion string
	// MediaClient, MediaRetry and MediaFirstAttempt are the inbound
	// pipeline's downloads of customers' files (see attach.Inbound).
	MediaClient       *http.Client
	MediaRetry        *attach.RetryConfig
	MediaFirstAttempt time.Duration
}

// useCases builds the server's use cases over its store, as internal/app
// does for the binary (and its privacy service, if none is set).
func (c *envConfig) useCases() UseCases {
	// Users' requests reach the store through the access rules, as in
	// internal/app; macros, merges, surveys and the inbound pipeline use
	// the store itself (c.SQL), as there.
	c.Store = access.Wrap(c.SQL)
	st := c.Store
	org := &phone.OrgRegion{Find: st.FindOrganisation}
	phones := phone.Book{Region: c.DefaultRegion, OrgRegion: org.Get, Channels: phone.CachedChannels(st.FindChannelBySender, 10*time.Second)}
	replies := &outbound.Service{Store: st, Clock: c.Clock, Notify: c.Notify}
	if c.Channels != nil {
		replies.Channels, replies.Adapters = st, c.Channels
	}
	if c.Privacy == nil {
		// Erasing and exporting without call recordings.
		c.Privacy = &privacy.Service{Store: st, Blobs: c.Blobs, Logger: c.Logger}
	}
	var media *attach.Inbound
	if c.Blobs != nil {
		media = &attach.Inbound{Blobs: c.Blobs, Client: c.MediaClient, Logger: c.Logger, Retry: c.MediaRetry, Clock: c.Clock,
			FirstAttempt: c.MediaFirstAttempt}
	}
	inCfg := inbound.Config{Store: c.SQL, Adapters: c.Channels, Phones: phones, Media: media, Logger: c.Logger}
	surveys := &survey.Service{Store: c.SQL, Clock: c.Clock}
	inCfg.Surveys = surveys
	in := inbound.New(inCfg)
	c.Registry.MustRegister(in.Collectors()...)
	return UseCases{
		Replies:   replies,
		Macros:    &macro.Applier{Store: c.SQL, Clock: c.Clock},
		Merges:    &merge.Service{Store: c.SQL},
		Surveys:   surveys,
		Compose:   &compose.Service{Store: st, Outbound: replies, Phones: phones},
		Drafts:    &macro.Service{Store: st, Clock: c.Clock},
		Cards:     &card.Service{Store: st, Clock: c.Clock},
		Voice:     voice.New(c.Calls, st, phones, c.Logger),
		Inbound:   in,
		Phones:    phones,
		OrgRegion: org,
	}
}

// newTestServer is NewServer on st with the use cases the test env
// builds, for tests that need the server without an env's accounts.
func newTestServer(st *sqlstore.Store, cfg Config) *Server {
	cfg.Store = st
	c := envConfig{Config: cfg, SQL: st}
	c.defaults()
	c.UseCases = c.useCases()
	return NewServer(c.Config)
}

// defaults fills what the use cases need and NewServer would default.
func (c *envConfig) defaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = desk.SystemClock{}
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
}

// newEnvWith is newEnv with a server configuration, on a fresh SQLite
// store. configure completes the configuration once the store exists.
func newEnvWith(t *testing.T, base Config, configure ...func(cfg *envConfig)) *env {
	t.Helper()
	return newEnvOn(t, nil, base, configure...)
}

// newEnvOn is newEnvWith on the store st (nil: a fresh SQLite one); base
// names no Store of its own.
func newEnvOn(t *testing.T, st *sqlstore.Store, base Config, configure ...func(cfg *envConfig)) *env {
	t.Helper()
	if base.Store != nil {
		t.Fatal("newEnvOn: give the store as st, not in Config")
	}
	if st == nil {
		st = sqlitetest.Open(t, desk.SystemClock{})
	}
	cfg := envConfig{Config: base, SQL: st}
	blobs, err := blob.NewDisk(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Blobs == nil {
		cfg.Blobs = blobs
	}
	cfg.Store = st
	if cfg.Channels == nil {
		cfg.Channels = registry.New(nil, nil)
	}
	cfg.defaults()
	for _, f := range configure {
		f(&cfg)
	}
	cfg.UseCases = cfg.useCases()
	h := NewServer(cfg.Config).Handler()
	srv := httptest.NewServer(contractHandler(t, h))
	t.Cleanup(srv.Close)
	e := &env{t: t, url: srv.URL, handler: h, store: st}
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	qa, qb := &desk.Queue{Name: "A"}, &desk.Queue{Name: "B"}
	st.CreateQueue(sys, qa)
	st.CreateQueue(sys, qb)
	e.queueA, e.queueB = qa.ID, qb.ID
	mk := func(email string, role desk.Role, queues ...desk.ID) (string, desk.ID) {
		a := &desk.Agent{Email: email, Role: role, Capacity: 5, QueueIDs: queues, PasswordHash: testPasswordHash()}
		if err := st.CreateAgent(sys, a); err != nil {
			t.Fatal(err)
		}
		// Sessions are opened directly: argon2id verification of four logins
		// per env would dominate the suite; login itself has its own tests.
		tok := auth.NewToken(auth.SessionPrefix)
		se := &desk.Session{AgentID: a.ID, TokenHash: auth.HashToken(tok), Client: "test", ExpiresAt: time.Now().Add(time.Hour)}
		if err := st.CreateSession(sys, se); err != nil {
			t.Fatal(err)
		}
		return tok, a.ID
	}
	e.admin, e.idAdmin = mk("admin@example.com", desk.RoleAdmin)
	e.sup, e.idSup = mk("sup@example.com", desk.RoleSupervisor)
	e.agentA, e.idA = mk("a@example.com", desk.RoleAgent, qa.ID)
	e.agentB, e.idB = mk("b@example.com", desk.RoleAgent, qb.ID)
	ra, _ := st.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+15550001", Text: "in A", ExternalID: "a", QueueID: qa.ID})
	rb, _ := st.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+15550002", Text: "in B", ExternalID: "b", QueueID: qb.ID})
	e.convA, e.convB = ra.Conversation.ID, rb.Conversation.ID
	return e
}

// testPasswordHash is the hash of "password1", computed once: argon2id is
// deliberately slow and every env has four accounts.
var testPasswordHash = sync.OnceValue(func() string {
	h, err := auth.HashPassword("password1")
	if err != nil {
		panic(err)
	}
	return h
})

// do sends a request and checks the status; out receives the JSON body.
func (e *env) do(method, path, token, body string, want int, out any) []byte {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return b
}

type apiError struct {
	Error struct {
		Code, Message, Field string
		Detail               map[string]any
	}
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cA, cB := "/api/v1/conversations/"+e.convA.String(), "/api/v1/conversations/"+e.convB.String()
	big := `{"text":"` + strings.Repeat("x", 5000) + `"}`
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code, field                     string
	}{
		{"anonymous", "GET", "/api/v1/conversations", "", "", 401, "unauthenticated", ""},
		{"bad token", "GET", "/api/v1/me", "sbs_nope", "", 401, "unauthenticated", ""},
		{"wrong password", "POST", "/api/v1/auth/login", "", `{"email":"a@example.com","password":"nope"}`, 401, "invalid_credentials", ""},
		{"unknown email same answer", "POST", "/api/v1/auth/login", "", `{"email":"x@example.com","password":"nope"}`, 401, "invalid_credentials", ""},
		{"login missing password", "POST", "/api/v1/auth/login", "", `{"email":"a@example.com"}`, 400, "invalid", "password"},
		{"malformed json", "POST", "/api/v1/queues", e.sup, `{"name":`, 400, "invalid_json", ""},
		{"unknown field", "POST", "/api/v1/queues", e.sup, `{"name":"X","colour":"red"}`, 400, "unknown_field", "colour"},
		{"wrong type", "POST", "/api/v1/queues", e.sup, `{"name":"X","auto_assign":"yes"}`, 400, "invalid_type", "auto_assign"},
		{"trailing data", "POST", "/api/v1/queues", e.sup, `{"name":"X"} {}`, 400, "invalid_json", ""},
		{"oversized", "POST", cA + "/messages", e.agentA, big, 413, "too_large", ""},
		{"missing required", "POST", "/api/v1/queues", e.sup, `{}`, 400, "invalid", "name"},
		{"agent creates queue", "POST", "/api/v1/queues", e.agentA, `{"name":"X"}`, 403, "forbidden", ""},
		{"agent creates agent", "POST", "/api/v1/agents", e.agentA, `{"email":"n@example.com","password":"password1","role":"agent"}`, 403, "forbidden", ""},
		{"short password", "POST", "/api/v1/agents", e.admin, `{"email":"n@example.com","password":"x","role":"agent"}`, 400, "invalid", "password"},
		{"duplicate email", "POST", "/api/v1/agents", e.admin, `{"email":"a@example.com","password":"password1","role":"agent"}`, 409, "email_taken", "email"},
		{"supervisor changes role", "PATCH", "/api/v1/agents/" + e.idA.String(), e.sup, `{"role":"admin"}`, 403, "forbidden", ""},
		{"delete default queue", "DELETE", "/api/v1/queues/1", e.sup, "", 409, "default_queue", ""},
		{"malformed id", "GET", "/api/v1/conversations/abc", e.sup, "", 404, "not_found", ""},
		{"unknown id", "GET", "/api/v1/conversations/99999", e.sup, "", 404, "not_found", ""},
		{"other queue's conversation", "GET", cB, e.agentA, "", 404, "not_found", ""},
		{"other queue's thread", "GET", cB + "/messages", e.agentA, "", 404, "not_found", ""},
		{"reply into other queue", "POST", cB + "/messages", e.agentA, `{"text":"hi"}`, 404, "not_found", ""},
		{"patch other queue", "PATCH", cB, e.agentA, `{"status":"closed"}`, 404, "not_found", ""},
		{"take for someone else", "POST", cA + "/assign", e.agentA, `{"agent_id":"` + e.idB.String() + `"}`, 403, "forbidden", ""},
		{"bad status", "PATCH", cA, e.agentA, `{"status":"done"}`, 400, "invalid", "status"},
		{"bad view", "GET", "/api/v1/conversations?view=everything", e.agentA, "", 400, "invalid", "view"},
		{"bad sort for view", "GET", "/api/v1/conversations?view=history&sort=status", e.agentA, "", 400, "invalid", "sort"},
		{"bad limit", "GET", "/api/v1/conversations?limit=-1", e.agentA, "", 400, "invalid", "limit"},
		{"bad filter id", "GET", "/api/v1/conversations?queue_id=x", e.agentA, "", 400, "invalid", "queue_id"},
		{"inbound as agent", "POST", "/api/v1/inbound", e.agentA, `{"channel":"api","from":"1","text":"x","external_id":"1"}`, 403, "forbidden", ""},
		{"inbound missing external_id", "POST", "/api/v1/inbound", e.admin, `{"channel":"api","from":"1","text":"x"}`, 400, "invalid", "external_id"},
		{"inbound unknown channel", "POST", "/api/v1/inbound", e.admin, `{"channel":"pigeon","from":"1","text":"x","external_id":"1"}`, 400, "invalid", "channel"},
		{"tokens as supervisor", "GET", "/api/v1/integration-tokens", e.sup, "", 403, "forbidden", ""},
		{"unknown api path", "GET", "/api/v1/nothing", e.sup, "", 404, "not_found", ""},
		{"contact taken", "POST", "/api/v1/customers", e.agentA, `{"contacts":[{"channel":"sms","address":"+1 555 0001"}]}`, 409, "contact_taken", "contacts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got apiError
			e.t = t
			e.do(tc.method, tc.path, tc.token, tc.body, tc.status, &got)
			if got.Error.Code != tc.code || got.Error.Field != tc.field || got.Error.Message == "" {
				t.Fatalf("error = %+v, want code %q field %q", got.Error, tc.code, tc.field)
			}
		})
	}
	// Nothing of the refused requests was written.
	var qs struct{ Items []desk.Queue }
	e.t = t
	e.do("GET", "/api/v1/queues", e.sup, "", 200, &qs)
	if len(qs.Items) != 3 {
		t.Fatalf("%d queues after refused creates, want 3", len(qs.Items))
	}
}

func TestWorkflow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Integration token posts inbound; a repeat returns the original with 200.
	var tok struct{ Token string }
	e.do("POST", "/api/v1/integration-tokens", e.admin, `{"name":"crm"}`, 201, &tok)
	msg := `{"channel":"api","from":"+1 (555) 010-0001","to":"support","text":"Where is my order?","external_id":"ext-1"}`
	var first, again desk.IngestResult
	e.do("POST", "/api/v1/inbound", tok.Token, msg, 201, &first)
	e.do("POST", "/api/v1/inbound", tok.Token, msg, 200, &again)
	if !again.Duplicate || again.Message.ID != first.Message.ID || first.Conversation.QueueName != desk.DefaultQueueName {
		t.Fatalf("inbound: %+v / %+v", first, again)
	}
	// Integration tokens reach nothing else.
	e.do("GET", "/api/v1/conversations", tok.Token, "", 403, nil)

	conv := "/api/v1/conversations/" + first.Conversation.ID.String()
	var list struct {
		Items      []desk.Conversation
		NextCursor string `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/conversations?view=unassigned&sort=latest_pending", e.agentA, "", 200, &list)
	if len(list.Items) == 0 || list.Items[0].ID != first.Conversation.ID {
		t.Fatalf("unassigned view: %+v", list.Items)
	}
	var c desk.Conversation
	e.do("POST", conv+"/assign", e.agentA, `{"agent_id":"`+e.idA.String()+`"}`, 200, &c)
	var conflict apiError
	e.do("POST", conv+"/assign", e.sup, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil) // holder again: no-op
	var supID desk.Agent
	e.do("GET", "/api/v1/me", e.sup, "", 200, &supID)
	e.do("POST", conv+"/assign", e.sup, `{"agent_id":"`+supID.ID.String()+`"}`, 409, &conflict)
	if conflict.Error.Code != "already_assigned" || !strings.Contains(conflict.Error.Message, "a") || conflict.Error.Detail["assignee_id"] != e.idA.String() {
		t.Fatalf("conflict: %+v", conflict)
	}
	var m desk.Message
	e.do("POST", conv+"/messages", e.agentA, `{"text":"It ships today."}`, 201, &m)
	e.do("POST", conv+"/messages", e.agentA, `{"type":"note","text":"VIP <script>alert(1)</script>"}`, 201, &m)
	if m.Kind != "note" {
		t.Fatalf("note kind = %q", m.Kind)
	}
	var thread struct{ Items []desk.Message }
	e.do("GET", conv+"/messages", e.agentA, "", 200, &thread)
	if len(thread.Items) != 3 || thread.Items[2].Text != "VIP <script>alert(1)</script>" {
		t.Fatalf("thread: %+v", thread.Items)
	}
	e.do("PATCH", conv, e.agentA, `{"status":"solved","priority":"high","tags":["Refund"]}`, 200, &c)
	if c.Status != "solved" || c.Tags[0] != "refund" {
		t.Fatalf("patch: %+v", c)
	}
	e.do("POST", conv+"/transfer", e.agentA, `{"queue_id":"`+e.queueB.String()+`"}`, 200, &c)
	e.do("GET", conv, e.agentA, "", 404, nil) // no longer visible to A
	var events struct{ Items []desk.Event }
	e.do("GET", conv+"/events", e.sup, "", 200, &events)
	var types []string
	for _, ev := range events.Items {
		types = append(types, ev.Type)
	}
	if strings.Join(types, ",") != "created,assigned,status_changed,priority_changed,transferred" {
		t.Fatalf("timeline: %v", types)
	}
	// Metrics count the ingested message once and time the routes.
	resp, _ := http.Get(e.url + "/metrics")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(b, []byte("switchboard_messages_ingested_total 1")) || !bytes.Contains(b, []byte(`route="POST /api/v1/inbound"`)) {
		t.Fatalf("metrics missing ingest counter or route latency:\n%s", b)
	}
	// Logout revokes the token.
	e.do("POST", "/api/v1/auth/logout", e.agentB, "", 204, nil)
	e.do("GET", "/api/v1/me", e.agentB, "", 401, nil)
}

// TestCookieSessionCSRF: the browser's cookie works for reads; writes need
// the same-origin header.
func TestCookieSessionCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, err := http.Post(e.url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"a@example.com","password":"password1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", cookie)
	}
	send := func(method, path string, headers map[string]string) int {
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(`{"status":"busy"}`))
		req.AddCookie(cookie)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if code := send("GET", "/api/v1/me", nil); code != 200 {
		t.Fatalf("cookie read: %d", code)
	}
	if code := send("PUT", "/api/v1/me/status", nil); code != 403 {
		t.Fatalf("cookie write without X-Requested-With: %d, want 403", code)
	}
	if code := send("PUT", "/api/v1/me/status", map[string]string{"X-Requested-With": "x", "Sec-Fetch-Site": "cross-site"}); code != 403 {
		t.Fatalf("cross-site write: %d, want 403", code)
	}
	// A browser without Sec-Fetch-Site: its Origin must be this host.
	if code := send("PUT", "/api/v1/me/status", map[string]string{"X-Requested-With": "x", "Origin": "https://evil.example"}); code != 403 {
		t.Fatalf("write from another origin: %d, want 403", code)
	}
	if code := send("PUT", "/api/v1/me/status", map[string]string{"X-Requested-With": "switchboard", "Origin": e.url}); code != 200 {
		t.Fatalf("write from this origin: %d", code)
	}
	if code := send("PUT", "/api/v1/me/status", map[string]string{"X-Requested-With": "switchboard", "Sec-Fetch-Site": "same-origin"}); code != 200 {
		t.Fatalf("same-origin write: %d", code)
	}
	if code := send("PUT", "/api/v1/me/status", map[string]string{"X-Requested-With": "switchboard"}); code != 200 {
		t.Fatalf("write from a client that is not a browser: %d", code)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cA := "/api/v1/conversations/" + e.convA.String()
	bad := []struct {
		name, path, token string
		status            int
		code, field       string
	}{
		{"empty q", "/api/v1/search?q=", e.agentA, 400, "query_required", "q"},
		{"blank q", "/api/v1/search?q=%20%20", e.agentA, 400, "query_required", "q"},
		{"too long", "/api/v1/search?q=" + strings.Repeat("x", 201), e.agentA, 400, "query_too_long", "q"},
		{"bad type", "/api/v1/search?q=x&type=agents", e.agentA, 400, "invalid", "type"},
		{"bad cursor", "/api/v1/search?q=x&cursor=zz", e.agentA, 400, "invalid", "cursor"},
		{"bad limit", "/api/v1/search?q=x&limit=0", e.agentA, 400, "invalid", "limit"},
		{"anonymous", "/api/v1/search?q=x", "", 401, "unauthenticated", ""},
		{"in conversation, empty q", cA + "/search", e.agentA, 400, "query_required", "q"},
		{"in other queue's conversation", "/api/v1/conversations/" + e.convB.String() + "/search?q=in", e.agentA, 404, "not_found", ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var got apiError
			e.t = t
			e.do("GET", tc.path, tc.token, "", tc.status, &got)
			if got.Error.Code != tc.code || got.Error.Field != tc.field {
				t.Fatalf("error = %+v, want code %q field %q", got.Error, tc.code, tc.field)
			}
		})
	}
	e.t = t
	var res struct {
		Conversations, Customers struct {
			Items      []map[string]any
			NextCursor *string `json:"next_cursor"`
		}
		Messages struct {
			Items      []desk.MessageHit
			NextCursor *string `json:"next_cursor"`
		}
	}
	e.do("GET", "/api/v1/search?q=%22in%22%20*%20(", e.agentA, "", 200, &res)
	if len(res.Messages.Items) != 1 || res.Messages.Items[0].Conversation.ID != e.convA || res.Messages.NextCursor == nil {
		t.Fatalf("agent A's search: %+v", res)
	}
	e.do("GET", "/api/v1/search?q=555%200001", e.agentA, "", 200, &res)
	if len(res.Customers.Items) != 1 || len(res.Conversations.Items) != 1 {
		t.Fatalf("phone search: %+v", res)
	}
	var matches struct{ Items []desk.MessageMatch }
	e.do("GET", cA+"/search?q=IN", e.agentA, "", 200, &matches)
	if len(matches.Items) != 1 || len(matches.Items[0].Spans) != 1 || matches.Items[0].Spans[0] != (desk.Span{Start: 0, End: 2}) {
		t.Fatalf("in-conversation search: %+v", matches)
	}
}
