package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	sbhttp "github.com/switchboard-cc/switchboard/internal/http"
	"github.com/switchboard-cc/switchboard/internal/http/frametest"
	"github.com/switchboard-cc/switchboard/internal/realtime"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// env is a server with the live feed on a real SQLite store.
type env struct {
	t      *testing.T
	url    string
	store  *sqlstore.Store
	hub    *realtime.Hub
	bus    *bus.Local
	sys    context.Context
	qa, qb desk.ID
}

func newEnv(t *testing.T, cfg realtime.Config) *env {
	return newEnvWith(t, cfg, func(s desk.Store) realtime.HubStore { return s })
}

// newEnvWith gives the hub the store as wrap returns it: a real store with
// some calls observed or held (see queue_counts_test.go).
func newEnvWith(t *testing.T, cfg realtime.Config, wrap func(desk.Store) realtime.HubStore) *env {
	t.Helper()
	b := bus.NewLocal()
	st := sqlitetest.OpenWith(t, desk.SystemClock{}, sqlstore.Options{Changes: b.Publish}) // closed when the test ends
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := realtime.NewHub(wrap(st), b, log, cfg)
	if err := b.Start(hub, 0); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sbhttp.NewServer(sbhttp.Config{Store: st, Logger: log, Realtime: hub}).Handler())
	t.Cleanup(func() { hub.Close(); srv.Close() })
	e := &env{t: t, url: srv.URL, store: st, hub: hub, bus: b, sys: desk.NewContextWithActor(context.Background(), desk.SystemActor)}
	qa, qb := &desk.Queue{Name: "A"}, &desk.Queue{Name: "B"}
	for _, q := range []*desk.Queue{qa, qb} {
		if err := st.CreateQueue(e.sys, q); err != nil {
			t.Fatal(err)
		}
	}
	e.qa, e.qb = qa.ID, qb.ID
	return e
}

// secondNode starts another hub and server on the same database, fed every
// change by the bus as a second node is by NATS.
func (e *env) secondNode() *env {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub2 := realtime.NewHub(e.store, e.bus, log, realtime.Config{})
	if err := e.bus.Start(nodes{e.hub, hub2}, 0); err != nil {
		e.t.Fatal(err)
	}
	srv := httptest.NewServer(sbhttp.NewServer(sbhttp.Config{Store: e.store, Logger: log, Realtime: hub2}).Handler())
	e.t.Cleanup(func() { hub2.Close(); srv.Close() })
	n := *e
	n.url, n.hub = srv.URL, hub2
	return &n
}

// nodes hands what the bus delivers to every node's hub.
type nodes []*realtime.Hub

func (ns nodes) OnEvent(ev bus.Event) {
	for _, h := range ns {
		h.OnEvent(ev)
	}
}

func (ns nodes) OnSignal(sig bus.Signal) {
	for _, h := range ns {
		h.OnSignal(sig)
	}
}

// login creates an agent and returns a session token.
func (e *env) login(email string, role desk.Role, queues ...desk.ID) (string, desk.ID) {
	e.t.Helper()
	h, _ := auth.HashPassword("password1")
	a := &desk.Agent{Email: email, Role: role, Capacity: 5, QueueIDs: queues, PasswordHash: h}
	if err := e.store.CreateAgent(e.sys, a); err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.Post(e.url+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"password1"}`))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		e.t.Fatalf("login %s: %v", email, err)
	}
	return out.Token, a.ID
}

// conn is a test client of the feed.
type conn struct {
	t  *testing.T
	ws *websocket.Conn
}

type frame struct {
	Type           string  `json:"type"`
	Seq            uint64  `json:"seq"`
	ConversationID desk.ID `json:"conversation_id"`
	QueueID        desk.ID `json:"queue_id"`
	AgentID        desk.ID `json:"agent_id"`
	// Queues are the counts of a queue.counts frame.
	Queues []desk.QueueCount `json:"queues"`
	// Call is the call of call.ringing and call.ended frames.
	Call call.View `json:"call"`
}

func (e *env) dial(token, query string) *conn {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/api/v1/ws"+query,
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		e.t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	e.t.Cleanup(func() { ws.CloseNow() })
	c := &conn{t: e.t, ws: ws}
	if f := c.next(); f.Type != "hello" {
		e.t.Fatalf("first frame %+v, want hello", f)
	}
	return c
}

// next reads one frame, failing after a timeout.
func (c *conn) next() frame {
	c.t.Helper()
	f, err := c.read(20 * time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	return f
}

func (c *conn) read(timeout time.Duration) (frame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		return frame{}, err
	}
	// Every frame a test reads is one of the document's (issue 21).
	frametest.Check(c.t, frametest.Server, data)
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		return frame{}, err
	}
	return f, nil
}

// send writes a client frame, which must be one of the document's.
func (c *conn) send(msg string) {
	c.t.Helper()
	frametest.Check(c.t, frametest.Client, []byte(msg))
	if err := c.ws.Write(context.Background(), websocket.MessageText, []byte(msg)); err != nil {
		c.t.Fatal(err)
	}
}

// until reads frames until one of typ arrives, returning those skipped too.
func (c *conn) until(typ string) (frame, []frame) {
	c.t.Helper()
	var seen []frame
	for {
		f := c.next()
		if f.Type == typ {
			return f, seen
		}
		seen = append(seen, f)
	}
}

func (e *env) ingest(from, ext string, q desk.ID) *desk.IngestResult {
	e.t.Helper()
	res, err := e.store.IngestMessage(e.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from, To: "x", Text: "hi", ExternalID: ext, QueueID: q})
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func TestVisibility(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	tokA, _ := e.login("a@example.com", desk.RoleAgent, e.qa)
	tokSup, _ := e.login("sup@example.com", desk.RoleSupervisor)
	a, sup := e.dial(tokA, ""), e.dial(tokSup, "")
	if n := metric(t, e.hub, "switchboard_ws_sockets", ""); n != 2 { // joined before their hello
		t.Fatalf("sockets gauge %v, want 2", n)
	}
	inB := e.ingest("+15550002", "b1", e.qb).Conversation
	inA := e.ingest("+15550001", "a1", e.qa).Conversation
	// The supervisor sees both; agent A only queue A's, never B's.
	f, skipped := a.until(desk.ChangeMessageCreated)
	for _, s := range append(skipped, f) {
		if s.ConversationID == inB.ID {
			t.Fatalf("agent of queue A got an event of queue B: %+v", s)
		}
	}
	if f.ConversationID != inA.ID {
		t.Fatalf("agent A got %+v", f)
	}
	got := map[desk.ID]bool{}
	for len(got) < 2 {
		f, _ := sup.until(desk.ChangeMessageCreated)
		got[f.ConversationID] = true
	}
}

func TestCatchUpWithSince(t *testing.T) {
	e := newEnv(t, realtime.Config{Backlog: 50, Buffer: 4}) // catch-up larger than the live buffer
	tok, _ := e.login("sup@example.com", desk.RoleSupervisor)
	c := e.dial(tok, "")
	e.ingest("+15550001", "m0", e.qa)
	first, _ := c.until(desk.ChangeMessageCreated)
	c.ws.Close(websocket.StatusNormalClosure, "")
	// Missed while away: three messages, each with its events.
	var want []uint64
	for i := 1; i <= 3; i++ {
		e.ingest(fmt.Sprintf("+1555000%d", i+1), fmt.Sprint("m", i), e.qa)
	}
	// The ring holds every event after first.Seq, in order.
	c2 := e.dial(tok, fmt.Sprintf("?since=%d", first.Seq))
	for seq := first.Seq + 1; ; seq++ {
		f, err := c2.read(300 * time.Millisecond)
		for err == nil && f.Type == "queue.counts" { // state, not events: no seq
			f, err = c2.read(300 * time.Millisecond)
		}
		if err != nil {
			break
		}
		if f.Seq != seq {
			t.Fatalf("after since=%d got seq %d, want %d (type %s)", first.Seq, f.Seq, seq, f.Type)
		}
		want = append(want, f.Seq)
	}
	if len(want) < 6 { // each new customer: conversation.created + message.created
		t.Fatalf("caught up %d events, want at least 6", len(want))
	}
	// Too far back: told to refetch.
	for i := 0; i < 60; i++ {
		e.ingest("+15550009", fmt.Sprint("n", i), e.qa)
	}
	c3 := e.dial(tok, "?since=1")
	if f := c3.next(); f.Type != "refetch" {
		t.Fatalf("since=1 after the backlog rolled over: %+v, want refetch", f)
	}
	bad := httptestStatus(t, e.url+"/api/v1/ws?since=x", tok)
	if bad != http.StatusBadRequest {
		t.Fatalf("since=x: %d", bad)
	}
}

func httptestStatus(t *testing.T, url, tok string) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestStalledClientDropped: a client that stops reading is disconnected
// as too slow while a reading client gets every event.
func TestStalledClientDropped(t *testing.T) {
	e := newEnv(t, realtime.Config{Buffer: 16, WriteTimeout: time.Second})
	tok, _ := e.login("sup@example.com", desk.RoleSupervisor)
	stalled := e.dial(tok, "")
	healthy := e.dial(tok, "")
	const n, step = 20000, 8
	progress := make(chan int, n)
	go func() {
		count := 0
		for count < n {
			f, err := healthy.read(30 * time.Second)
			if err != nil {
				break
			}
			if f.Type == desk.ChangeAgentStatus {
				count++
				progress <- count
			}
		}
		close(progress)
	}()
	// Published in steps the reading client keeps up with (fewer than its
	// buffer), so only the stalled client can fall behind.
	pad := strings.Repeat("x", 2000)
	got := 0
	for i := 0; i < n; i += step {
		for j := 0; j < step; j++ {
			e.bus.Publish([]desk.Change{{Type: desk.ChangeAgentStatus, Status: pad}})
		}
		for got < i+step {
			c, ok := <-progress
			if !ok {
				t.Fatalf("healthy client stopped after %d of %d events", got, n)
			}
			got = c
		}
	}
	// The stalled one was cut off as too slow: with the slow-client close
	// code when its queue filled while the socket could still take the
	// close frame, or by dropping the connection when a write could not
	// complete in time (its TCP buffers full: no frame reaches it then).
	// Which comes first depends on scheduling; both count as too_slow.
	for {
		_, err := stalled.read(30 * time.Second)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) && ce.Code != 4008 {
			t.Fatalf("close code %d (%s), want 4008", ce.Code, ce.Reason)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("stalled client was never disconnected: %v", err)
		}
		break
	}
	// The library drops a connection whose write timed out before the hub
	// counts the reason, so the count may trail the client's EOF a little.
	deadline := time.Now().Add(10 * time.Second)
	for metric(t, e.hub, "switchboard_ws_disconnects_total", "too_slow") == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := metric(t, e.hub, "switchboard_ws_disconnects_total", "too_slow"); n != 1 {
		t.Fatalf("too_slow disconnects counted %v, want 1", n)
	}
	if n := metric(t, e.hub, "switchboard_ws_disconnects_total", "failed"); n != 0 {
		t.Fatalf("failed disconnects counted %v, want 0", n)
	}
}

func TestTypingAndRevocation(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	tokA, idA := e.login("a@example.com", desk.RoleAgent, e.qa)
	tokB, _ := e.login("b@example.com", desk.RoleAgent, e.qa, e.qb)
	tokC, _ := e.login("c@example.com", desk.RoleAgent, e.qb)
	conv := e.ingest("+15550001", "t1", e.qa).Conversation
	a, b, c := e.dial(tokA, ""), e.dial(tokB, ""), e.dial(tokC, "")
	send := func(cn *conn, msg string) { cn.send(msg) }
	send(b, fmt.Sprintf(`{"type":"subscribe","conversation_id":"%s"}`, conv.ID))
	send(c, fmt.Sprintf(`{"type":"subscribe","conversation_id":"%s"}`, conv.ID))
	if f, _ := c.until("error"); f.Type != "error" {
		t.Fatal("an agent of another queue subscribed")
	}
	send(b, `{"type":"ping"}`)
	b.until("pong") // the subscription is in place once this returns
	send(a, fmt.Sprintf(`{"type":"typing","conversation_id":"%s"}`, conv.ID))
	if f, _ := b.until("typing"); f.ConversationID != conv.ID || f.AgentID != idA {
		t.Fatalf("typing: %+v", f)
	}
	// A revoked session's socket closes with 4001 on every node.
	sess, _, err := e.store.FindSessionByTokenHash(e.sys, auth.HashToken(tokA))
	if err != nil {
		t.Fatal(err)
	}
	e.hub.RevokeSessions([]desk.ID{sess.ID}, "signed in on another device")
	for {
		_, err := a.read(20 * time.Second)
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != 4001 || !strings.Contains(ce.Reason, "another device") {
				t.Fatalf("close %d %q", ce.Code, ce.Reason)
			}
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// metric reads one of the hub's Prometheus metrics (summed over the
// series whose first label is label, or all when label is empty).
func metric(t *testing.T, h *realtime.Hub, name, label string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(h.Collectors()...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var v float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label == "" || (len(m.GetLabel()) > 0 && m.GetLabel()[0].GetValue() == label) {
				v += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return v
}
