package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/switchboard-cc/switchboard/internal/http/frametest"
)

const (
	testPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	testNATS     = "nats://127.0.0.1:4222"
)

// needService fails under CI, and skips elsewhere, when addr is not served.
func needService(t *testing.T, name, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		c.Close()
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not reachable at %s (scripts/ensure-services.sh starts it): %v", name, addr, err)
	}
	t.Skipf("%s not reachable at %s: %v", name, addr, err)
}

func randomName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// pgSchema makes a fresh schema and returns a URL that uses it.
func pgSchema(t *testing.T) string {
	t.Helper()
	needService(t, "PostgreSQL", "127.0.0.1:5432")
	db, err := sql.Open("pgx", testPostgres)
	if err != nil {
		t.Fatal(err)
	}
	schema := randomName("multinode_")
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); db.Close() })
	u, _ := url.Parse(testPostgres)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// natsPrefix returns a fresh subject prefix and deletes its stream after.
func natsPrefix(t *testing.T) string {
	t.Helper()
	needService(t, "NATS", "127.0.0.1:4222")
	prefix := randomName("sbtest")
	t.Cleanup(func() {
		nc, err := nats.Connect(testNATS)
		if err != nil {
			return
		}
		defer nc.Close()
		if js, err := jetstream.New(nc); err == nil {
			_ = js.DeleteStream(context.Background(), strings.ToUpper(prefix)+"_EVENTS")
			_ = js.DeleteKeyValue(context.Background(), prefix+"_nodes") // the directory of nodes
		}
	})
	return prefix
}

// feed is a WebSocket client of /api/v1/ws recording event sequences.
type feed struct {
	t  *testing.T
	ws *websocket.Conn
}

type feedFrame struct {
	Type           string `json:"type"`
	Seq            uint64 `json:"seq"`
	ConversationID string `json:"conversation_id"`
	AgentID        string `json:"agent_id"`
	Queues         []struct {
		QueueID    string `json:"queue_id"`
		Unassigned int    `json:"unassigned"`
		Assigned   int    `json:"assigned"`
	} `json:"queues"`
}

func dialFeed(t *testing.T, base, token, query string) (*feed, uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/v1/ws"+query,
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	f := &feed{t: t, ws: ws}
	hello, err := f.read(10 * time.Second)
	if err != nil || hello.Type != "hello" {
		t.Fatalf("hello: %+v %v", hello, err)
	}
	return f, hello.Seq
}

func (f *feed) read(timeout time.Duration) (feedFrame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, data, err := f.ws.Read(ctx)
	if err != nil {
		return feedFrame{}, err
	}
	frametest.Check(f.t, frametest.Server, data) // one of the document's frames (issue 21)
	var fr feedFrame
	return fr, json.Unmarshal(data, &fr)
}

// waitFor reads until an event of typ for conversation conv arrives.
func (f *feed) waitFor(typ, conv string) feedFrame {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		fr, err := f.read(time.Until(deadline))
		if err != nil {
			f.t.Fatalf("waiting for %s of %s: %v", typ, conv, err)
		}
		if fr.Type == typ && fr.ConversationID == conv {
			return fr
		}
	}
	f.t.Fatalf("no %s for %s", typ, conv)
	return feedFrame{}
}

// waitForCounts reads until a queue.counts frame gives a queue (the only
// one: Default) these counts.
func (f *feed) waitForCounts(unassigned, assigned int) {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		fr, err := f.read(time.Until(deadline))
		if err != nil {
			f.t.Fatalf("waiting for queue counts %d/%d: %v", unassigned, assigned, err)
		}
		for _, q := range fr.Queues {
			if fr.Type == "queue.counts" && q.Unassigned == unassigned && q.Assigned == assigned {
				return
			}
		}
	}
	f.t.Fatalf("no queue counts %d unassigned, %d assigned", unassigned, assigned)
}

// TestThreeNodes runs three real `switchboard serve` processes on one
// PostgreSQL and NATS: events cross nodes, a take race across nodes has one
// winner per conversation, and after a node is SIGKILLed nothing it
// accepted is lost and its client catches up on another node with since.
func TestThreeNodes(t *testing.T) {
	db, prefix := pgSchema(t), natsPrefix(t)
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--db", db)
	var nodes []*proc
	for range 3 {
		nodes = append(nodes, MustServe(t, "--db", db, "--nats", testNATS, "--nats-prefix", prefix))
	}
	admin := login(t, nodes[0].url, "admin@example.com", "admin-password")
	const agents = 50
	tokens := make([]string, agents)
	ids := make([]string, agents)
	for i := range agents {
		var a struct{ ID string }
		email := fmt.Sprintf("agent%02d@example.com", i)
		if code := call(t, "POST", nodes[0].url+"/api/v1/agents", admin,
			map[string]any{"email": email, "password": "agent-password", "role": "agent"}, &a); code != 201 {
			t.Fatalf("create agent: %d", code)
		}
		ids[i] = a.ID
		tokens[i] = login(t, nodes[i%3].url, email, "agent-password")
	}
	var inbound struct {
		Conversation struct{ ID string }
	}
	post := func(node *proc, ext string) int {
		return call(t, "POST", node.url+"/api/v1/inbound", admin,
			map[string]string{"channel": "sms", "from": "+1555" + ext, "to": "support", "text": "hello " + ext, "external_id": ext}, &inbound)
	}

	// Events cross nodes: an agent on node 2 and the admin on node 3 see a
	// message that arrived on node 1 and its assignment made on node 2.
	agentFeed, _ := dialFeed(t, nodes[1].url, tokens[1], "")
	adminFeed, _ := dialFeed(t, nodes[2].url, admin, "")
	countFeed, _ := dialFeed(t, nodes[2].url, tokens[2], "") // queue counts, on a third node
	if code := post(nodes[0], "0000001"); code != 201 {
		t.Fatalf("inbound: %d", code)
	}
	conv := inbound.Conversation.ID
	agentFeed.waitFor("message.created", conv)
	adminFeed.waitFor("message.created", conv)
	if code := call(t, "POST", nodes[1].url+"/api/v1/conversations/"+conv+"/assign", tokens[1], map[string]string{"agent_id": ids[1]}, nil); code != 200 {
		t.Fatalf("take: %d", code)
	}
	adminFeed.waitFor("conversation.assigned", conv)
	// Node 3 counts the Default queue after the changes made on nodes 1
	// and 2 (the unassigned state between them may be coalesced away).
	countFeed.waitForCounts(0, 1)

	// 50 agents on three nodes race for 10 conversations.
	var convs []string
	for i := range 10 {
		if code := post(nodes[i%3], fmt.Sprintf("00001%02d", i)); code != 201 {
			t.Fatalf("inbound: %d", code)
		}
		convs = append(convs, inbound.Conversation.ID)
	}
	wins := make([]int, len(convs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, c := range convs {
				var body struct {
					Error struct{ Code string }
				}
				code := call(t, "POST", nodes[i%3].url+"/api/v1/conversations/"+c+"/assign", tokens[i], map[string]string{"agent_id": ids[i]}, &body)
				mu.Lock()
				switch {
				case code == 200:
					wins[j]++
				case code != 409 || body.Error.Code != "already_assigned":
					t.Errorf("agent %d, conversation %s: %d %s", i, c, code, body.Error.Code)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for j, n := range wins {
		if n != 1 {
			t.Fatalf("conversation %s was taken %d times", convs[j], n)
		}
	}

	// SIGKILL node 3 during a burst of inbound messages posted to it.
	watch, _ := dialFeed(t, nodes[0].url, admin, "") // stays connected: the reference
	victim, since := dialFeed(t, nodes[2].url, admin, "")
	var accepted []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			ext := fmt.Sprintf("00020%02d", i%100) + fmt.Sprint(i/100)
			code := call2(nodes[2].url, admin, ext)
			if code == 201 || code == 200 {
				accepted = append(accepted, ext)
			} else if code == 0 {
				return // the node is gone
			}
		}
	}()
	time.Sleep(700 * time.Millisecond)
	if err := nodes[2].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = nodes[2].cmd.Wait()
	<-done
	victim.ws.CloseNow()
	if len(accepted) == 0 {
		t.Fatal("node 3 accepted nothing before it was killed")
	}
	// Nothing accepted is lost: each is a duplicate now, on another node.
	for _, ext := range accepted {
		if code := post(nodes[1], ext); code != 200 {
			t.Fatalf("message %s accepted by the killed node: repeat answered %d, want 200 (stored)", ext, code)
		}
	}
	// The killed node's client reconnects to node 2 with since and gets
	// exactly what the reference feed saw after that point, in order.
	var want []uint64
	for {
		fr, err := watch.read(1500 * time.Millisecond)
		if err != nil {
			break
		}
		if fr.Seq > since {
			want = append(want, fr.Seq)
		}
	}
	back, _ := dialFeed(t, nodes[1].url, admin, fmt.Sprintf("?since=%d", since))
	var got []uint64
	for len(got) < len(want) {
		fr, err := back.read(5 * time.Second)
		if err != nil {
			t.Fatalf("catch-up stopped after %d of %d events: %v", len(got), len(want), err)
		}
		if fr.Type == "refetch" {
			t.Fatal("told to refetch; the missed events should be kept")
		}
		got = append(got, fr.Seq)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("caught up %v\nwant       %v", got, want)
	}
	for i := 1; i < len(got); i++ {
		if got[i] != got[i-1]+1 {
			t.Fatalf("gap in the sequence: %d then %d", got[i-1], got[i])
		}
	}
	t.Logf("node 3 accepted %d messages before SIGKILL; caught up %d events on node 2", len(accepted), len(got))
}

// call2 posts one inbound message and returns the status, or 0 when the
// server cannot be reached.
func call2(base, token, ext string) int {
	body := fmt.Sprintf(`{"channel":"sms","from":"+1555%s","to":"support","text":"burst","external_id":"%s"}`, ext, ext)
	req, _ := http.NewRequest("POST", base+"/api/v1/inbound", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) || strings.Contains(err.Error(), "connection") || strings.Contains(err.Error(), "EOF") {
			return 0
		}
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
