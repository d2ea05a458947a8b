package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// span is one span as the test collector received it.
type span struct {
	Service, Name         string
	TraceID, ID, ParentID string
	Start, End            uint64
}

// collector is a local OTLP/HTTP receiver (POST /v1/traces, protobuf), as
// an OpenTelemetry Collector would receive what the nodes export.
type collector struct {
	mu    sync.Mutex
	spans []span
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "unexpected "+r.URL.Path+" "+r.Header.Get("Content-Type"), 415)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	c.mu.Lock()
	for _, rs := range req.ResourceSpans {
		service := ""
		for _, a := range rs.GetResource().GetAttributes() {
			if a.Key == "service.name" {
				service = a.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				c.spans = append(c.spans, span{Service: service, Name: s.Name, TraceID: hex.EncodeToString(s.TraceId),
					ID: hex.EncodeToString(s.SpanId), ParentID: hex.EncodeToString(s.ParentSpanId), Start: s.StartTimeUnixNano, End: s.EndTimeUnixNano})
			}
		}
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Write(out)
}

// find waits until a span named name of service is in trace traceID
// (any trace when ""), and returns it.
func (c *collector) find(t *testing.T, service, name, traceID string) span {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		c.mu.Lock()
		for _, s := range c.spans {
			if s.Service == service && s.Name == name && (traceID == "" || s.TraceID == traceID) {
				c.mu.Unlock()
				return s
			}
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var have []string
	for _, s := range c.spans {
		have = append(have, s.Service+"/"+s.Name+"@"+s.TraceID[:8])
	}
	sort.Strings(have)
	t.Fatalf("no span %s/%s in trace %q; received: %v", service, name, traceID, have)
	return span{}
}

// serveEnv is MustServe with extra environment variables.
func serveEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &syncWriter{w: &stderr}
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	go io.Copy(io.Discard, out)
	if !strings.HasPrefix(line, "switchboard listening on ") {
		t.Fatalf("serve: %q\n%s", line, stderr.String())
	}
	return &proc{cmd: cmd, url: strings.TrimSpace(strings.TrimPrefix(line, "switchboard listening on ")), stderr: &stderr}
}

// TestTraceAcrossNodes exports the spans of two nodes (PostgreSQL, NATS)
// to a test OTLP collector and follows two paths:
//   - a signed WhatsApp webhook on node A → store.ingest → assignment (an
//     online agent takes it) → ws.fanout on node B, whose parent came
//     through the NATS message headers;
//   - a reply on node A → store.message → outbox.send → the provider call,
//     whose traceparent header the fake provider receives.
//
// Each span is the child of the one before and starts no earlier.
func TestTraceAcrossNodes(t *testing.T) {
	db, prefix := pgSchema(t), natsPrefix(t)
	col := &collector{}
	cs := httptest.NewServer(col)
	defer cs.Close()
	var provMu sync.Mutex
	var provParents []string
	fake := newFakeWhatsApp()
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		provMu.Lock()
		provParents = append(provParents, r.Header.Get("traceparent"))
		provMu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	defer provider.Close()

	otel := func(service string) []string {
		return []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + cs.URL, "OTEL_SERVICE_NAME=" + service, "OTEL_BSP_SCHEDULE_DELAY=100"}
	}
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--db", db)
	a := serveEnv(t, otel("node-a"), "--db", db, "--nats", testNATS, "--nats-prefix", prefix, "--outbound-allow", "127.0.0.1")
	b := serveEnv(t, otel("node-b"), "--db", db, "--nats", testNATS, "--nats-prefix", prefix)
	admin := login(t, a.url, "admin@example.com", "admin-password")

	// An online agent in the Default queue, which assigns automatically.
	var queues struct{ Items []struct{ ID string } }
	call(t, "GET", a.url+"/api/v1/queues", admin, nil, &queues)
	if code := call(t, "PATCH", a.url+"/api/v1/queues/"+queues.Items[0].ID, admin, map[string]any{"auto_assign": true}, nil); code != 200 {
		t.Fatalf("auto_assign: %d", code)
	}
	if code := call(t, "POST", a.url+"/api/v1/agents", admin, map[string]any{"email": "agent@example.com", "password": "agent-password",
		"role": "agent", "queue_ids": []string{queues.Items[0].ID}}, nil); code != 201 {
		t.Fatalf("agent: %d", code)
	}
	agent := login(t, b.url, "agent@example.com", "agent-password")
	if code := call(t, "PUT", b.url+"/api/v1/me/status", agent, map[string]string{"status": "available"}, nil); code != 200 {
		t.Fatalf("online: %d", code)
	}
	feed, _ := dialFeed(t, b.url, agent, "")

	const secret = "wa-app-secret-for-the-trace-test"
	var ch struct {
		WebhookPath string `json:"webhook_path"`
	}
	if code := call(t, "POST", a.url+"/api/v1/channels", admin, map[string]any{"kind": "whatsapp", "name": "WA", "sender": "15550783881",
		"settings": map[string]string{"phone_number_id": "106540352242922", "base_url": provider.URL + "/v21.0"},
		"secrets":  map[string]string{"app_secret": secret, "access_token": "tok"}}, &ch); code != 201 {
		t.Fatalf("channel: %d", code)
	}
	inbound, err := os.ReadFile("../../internal/channel/whatsapp/testdata/text.json")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", a.url+ch.WebhookPath, bytes.NewReader(inbound))
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(secret, inbound))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	resp.Body.Close()
	var convs struct{ Items []struct{ ID string } }
	call(t, "GET", a.url+"/api/v1/conversations?view=all", admin, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("%d conversations", len(convs.Items))
	}
	conv := convs.Items[0].ID
	feed.waitFor("conversation.assigned", conv)

	webhook := col.find(t, "node-a", "POST /webhooks/{provider}/{channel_id}", "")
	ingest := col.find(t, "node-a", "store.ingest", webhook.TraceID)
	assign := col.find(t, "node-a", "assignment", webhook.TraceID)
	fanout := col.find(t, "node-b", "ws.fanout", webhook.TraceID)
	chain := []span{webhook, ingest, assign}
	for i := 1; i < len(chain); i++ {
		if chain[i].ParentID != chain[i-1].ID || chain[i].Start < chain[i-1].Start {
			t.Fatalf("%s is not a child of %s started after it: %+v, %+v", chain[i].Name, chain[i-1].Name, chain[i], chain[i-1])
		}
	}
	if fanout.ParentID != ingest.ID || fanout.Start < ingest.Start {
		t.Fatalf("node B's fan-out is not a child of node A's store.ingest: %+v, %+v", fanout, ingest)
	}

	// The reply path.
	if code := call(t, "POST", a.url+"/api/v1/conversations/"+conv+"/messages", admin, map[string]string{"text": "traced reply"}, nil); code != 201 {
		t.Fatalf("reply: %d", code)
	}
	reply := col.find(t, "node-a", "POST /api/v1/conversations/{id}/messages", "")
	store := col.find(t, "node-a", "store.message", reply.TraceID)
	send := col.find(t, "node-a", "outbox.send", reply.TraceID)
	call_ := col.find(t, "node-a", "HTTP POST", reply.TraceID)
	chain = []span{reply, store, send, call_}
	for i := 1; i < len(chain); i++ {
		if chain[i].ParentID != chain[i-1].ID || chain[i].Start < chain[i-1].Start {
			t.Fatalf("%s is not a child of %s started after it: %+v, %+v", chain[i].Name, chain[i-1].Name, chain[i], chain[i-1])
		}
	}
	provMu.Lock()
	defer provMu.Unlock()
	want := "00-" + reply.TraceID + "-" + call_.ID + "-01"
	found := false
	for _, p := range provParents {
		found = found || p == want
	}
	if !found {
		t.Fatalf("the provider got traceparents %v, want %s", provParents, want)
	}
}

// TestTraceOneNode follows the inbound path on one SQLite node, where the
// ingest transaction assigns the conversation itself: POST /api/v1/inbound
// → store.ingest → assignment (inline) → ws.fanout of the assignment.
func TestTraceOneNode(t *testing.T) {
	col := &collector{}
	cs := httptest.NewServer(col)
	defer cs.Close()
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := serveEnv(t, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + cs.URL, "OTEL_SERVICE_NAME=solo", "OTEL_BSP_SCHEDULE_DELAY=100"}, "--data", dir)
	admin := login(t, p.url, "admin@example.com", "admin-password")
	var queues struct{ Items []struct{ ID string } }
	call(t, "GET", p.url+"/api/v1/queues", admin, nil, &queues)
	call(t, "PATCH", p.url+"/api/v1/queues/"+queues.Items[0].ID, admin, map[string]any{"auto_assign": true}, nil)
	call(t, "POST", p.url+"/api/v1/agents", admin, map[string]any{"email": "agent@example.com", "password": "agent-password",
		"role": "agent", "queue_ids": []string{queues.Items[0].ID}}, nil)
	agent := login(t, p.url, "agent@example.com", "agent-password")
	if code := call(t, "PUT", p.url+"/api/v1/me/status", agent, map[string]string{"status": "available"}, nil); code != 200 {
		t.Fatalf("available: %d", code)
	}
	feed, _ := dialFeed(t, p.url, agent, "")
	var in struct{ Conversation struct{ ID string } }
	if code := call(t, "POST", p.url+"/api/v1/inbound", admin, map[string]string{"channel": "api", "from": "+15550999", "to": "s", "text": "hi", "external_id": "t1"}, &in); code != 201 {
		t.Fatalf("inbound: %d", code)
	}
	feed.waitFor("conversation.assigned", in.Conversation.ID)
	req := col.find(t, "solo", "POST /api/v1/inbound", "")
	ingest := col.find(t, "solo", "store.ingest", req.TraceID)
	assign := col.find(t, "solo", "assignment", req.TraceID)
	if ingest.ParentID != req.ID || assign.ParentID != ingest.ID || assign.Start < ingest.Start {
		t.Fatalf("chain: %+v → %+v → %+v", req, ingest, assign)
	}
	// The fan-out of the assignment is the assignment's child.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		col.mu.Lock()
		found := false
		for _, s := range col.spans {
			found = found || (s.Name == "ws.fanout" && s.ParentID == assign.ID)
		}
		col.mu.Unlock()
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ws.fanout under the assignment")
		}
	}
}
