package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/http/frametest"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// callFrame is a call frame of the workspace socket.
type callFrame struct {
	Type   string `json:"type"`
	CallID string `json:"call_id"`
	SDP    string `json:"sdp"`
	Code   string `json:"code"`
	Call   struct {
		ID    string `json:"id"`
		State string `json:"state"`
	} `json:"call"`
}

// nextCall reads the socket until a frame of typ arrives.
func (f *feed) nextCall(typ string) callFrame {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		_, data, err := f.ws.Read(ctx)
		if err != nil {
			f.t.Fatalf("waiting for %s: %v", typ, err)
		}
		frametest.Check(f.t, frametest.Server, data)
		var fr callFrame
		if json.Unmarshal(data, &fr) == nil && fr.Type == typ {
			return fr
		}
		if fr.Type == "error" {
			f.t.Fatalf("waiting for %s: error frame %s", typ, data)
		}
	}
}

// until polls cond until it holds (30 s at most: the machine is shared).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestCallsAcrossNodes runs two `switchboard serve` processes on one
// PostgreSQL and NATS (docs/calls-across-nodes.md). A customer calls
// through a call link on node A; agent Bob works on node B: his socket on
// B gets call.ringing, he answers through B (REST, forwarded to A) with a
// pion softphone, and audio flows both ways through A's media hub; hold,
// resume, hang-up and wrap-up through B act on A. A second call is
// answered with the socket's call.offer frame on B; then A is SIGKILLed,
// and B's sweeper ends the call's row and frees Bob from "In a call".
func TestCallsAcrossNodes(t *testing.T) {
	db, prefix := pgSchema(t), natsPrefix(t)
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--db", db)
	flags := []string{"--db", db, "--nats", testNATS, "--nats-prefix", prefix, "--call-secret", "a-shared-call-secret",
		"--node-ttl", "6s", "--ring-timeout", "2m", "--wrap-up", "5m"}
	a := MustServe(t, append(flags, "--node-id", "na", "--data", t.TempDir())...)
	b := MustServe(t, append(flags, "--node-id", "nb", "--data", t.TempDir())...)
	admin := login(t, b.url, "admin@example.com", "admin-password")

	// Bob works the Sales queue, where the customer's conversation goes.
	var sales struct{ ID string }
	if code := call(t, "POST", b.url+"/api/v1/queues", admin, map[string]any{"name": "Sales"}, &sales); code != 201 {
		t.Fatalf("create a queue: %d", code)
	}
	var bob struct{ ID string }
	if code := call(t, "POST", b.url+"/api/v1/agents", admin, map[string]any{"email": "bob@example.com", "password": "bob-password",
		"role": "agent", "queue_ids": []string{sales.ID}}, &bob); code != 201 {
		t.Fatalf("create Bob: %d", code)
	}
	var inbound struct {
		Conversation struct{ ID string }
	}
	if code := call(t, "POST", b.url+"/api/v1/inbound", admin, map[string]string{"channel": "sms", "from": "+15550001", "to": "support",
		"text": "please call me", "external_id": "m1"}, &inbound); code != 201 {
		t.Fatalf("inbound: %d", code)
	}
	if code := call(t, "POST", b.url+"/api/v1/conversations/"+inbound.Conversation.ID+"/transfer", admin, map[string]string{"queue_id": sales.ID}, nil); code != 200 {
		t.Fatalf("to Sales: %d", code)
	}
	var link struct{ Token string }
	if code := call(t, "POST", b.url+"/api/v1/conversations/"+inbound.Conversation.ID+"/call-link", admin, nil, &link); code != 201 {
		t.Fatalf("call link: %d", code)
	}
	bobTok := login(t, b.url, "bob@example.com", "bob-password")
	if code := call(t, "PUT", b.url+"/api/v1/me/status", bobTok, map[string]string{"status": "available"}, nil); code != 200 {
		t.Fatalf("Bob available: %d", code)
	}
	bobFeed, _ := dialFeed(t, b.url, bobTok, "")
	callState := func(node *proc, id string) string {
		var res struct {
			Call struct{ State string }
		}
		if code := call(t, "GET", node.url+"/api/v1/calls/"+id, bobTok, nil, &res); code != 200 {
			return "gone"
		}
		return res.Call.State
	}
	agentState := func() string {
		var ag struct {
			CallState string `json:"call_state"`
		}
		call(t, "GET", b.url+"/api/v1/agents/"+bob.ID, admin, nil, &ag)
		return ag.CallState
	}

	// The customer calls on A; Bob's socket on B rings.
	dialIn := func() (*media.Softphone, string) {
		customer, offer, err := media.NewSoftphone(0x43)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(customer.Close)
		var res struct {
			CallID string `json:"call_id"`
			SDP    string `json:"sdp"`
		}
		if code := call(t, "POST", a.url+"/call/"+link.Token+"/offer", "", map[string]string{"sdp": offer}, &res); code != 201 {
			t.Fatalf("customer's offer on A: %d", code)
		}
		if err := customer.Accept(res.SDP); err != nil {
			t.Fatal(err)
		}
		ring := bobFeed.nextCall("call.ringing")
		if ring.Call.ID != res.CallID || !strings.HasPrefix(res.CallID, "na.") {
			t.Fatalf("ringing %q on B for call %q of A", ring.Call.ID, res.CallID)
		}
		return customer, res.CallID
	}
	bothWays := func(customer, agent *media.Softphone) {
		c0, a0 := customer.Received(0x41), agent.Received(0x43)
		until(t, "audio both ways", func() bool { return customer.Received(0x41) >= c0+25 && agent.Received(0x43) >= a0+25 })
	}

	customer, id := dialIn()
	agent, offer, err := media.NewSoftphone(0x41)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Close)
	var answered struct {
		Call  struct{ State string }
		SDP   string
		Media *media.Stats
	}
	if code := call(t, "POST", b.url+"/api/v1/calls/"+id+"/answer", bobTok, map[string]string{"sdp": offer}, &answered); code != 200 || answered.SDP == "" {
		t.Fatalf("answer through B: %d %+v", code, answered)
	}
	if err := agent.Accept(answered.SDP); err != nil {
		t.Fatal(err)
	}
	bothWays(customer, agent)
	// A's packet counters, read through B.
	var got struct {
		Call  struct{ State string }
		Media *media.Stats
	}
	call(t, "GET", b.url+"/api/v1/calls/"+id, bobTok, nil, &got)
	if got.Call.State != "in_call" || got.Media == nil || got.Media.ToAgent < 25 || got.Media.FromAgent < 25 {
		t.Fatalf("call through B: %+v media %+v", got.Call, got.Media)
	}
	var mine struct {
		Call struct{ ID string }
	}
	if code := call(t, "GET", b.url+"/api/v1/me/call", bobTok, nil, &mine); code != 200 || mine.Call.ID != id {
		t.Fatalf("Bob's call on B: %d %+v", code, mine)
	}
	// A re-checks access of requests forwarded by B: an admin who sees
	// the call is not its agent (403); an agent of the Default queue only
	// does not see it (404).
	if code := call(t, "POST", b.url+"/api/v1/calls/"+id+"/hold", admin, nil, nil); code != 403 {
		t.Fatalf("hold by the admin through B: %d", code)
	}
	if code := call(t, "POST", b.url+"/api/v1/agents", admin, map[string]any{"email": "carol@example.com", "password": "carol-password",
		"role": "agent"}, nil); code != 201 {
		t.Fatalf("create Carol: %d", code)
	}
	carol := login(t, b.url, "carol@example.com", "carol-password")
	for _, path := range []string{"/hold", "/hangup"} {
		var e struct {
			Error struct{ Code, Message string }
		}
		if code := call(t, "POST", b.url+"/api/v1/calls/"+id+path, carol, nil, &e); code != 404 {
			t.Fatalf("%s by an agent of another queue through B: %d %+v", path, code, e)
		}
	}
	if code := call(t, "GET", b.url+"/api/v1/calls/"+id, "", nil, nil); code != 401 {
		t.Fatalf("no credentials through B: %d", code)
	}
	for _, step := range []struct{ action, state string }{{"hold", "on_hold"}, {"resume", "in_call"}} {
		if code := call(t, "POST", b.url+"/api/v1/calls/"+id+"/"+step.action, bobTok, nil, nil); code != 200 {
			t.Fatalf("%s through B: %d", step.action, code)
		}
		if s := callState(a, id); s != step.state {
			t.Fatalf("after %s through B, A has %s", step.action, s)
		}
	}
	bothWays(customer, agent)
	if code := call(t, "POST", b.url+"/api/v1/calls/"+id+"/hangup", bobTok, nil, nil); code != 200 {
		t.Fatalf("hang up through B: %d", code)
	}
	bobFeed.nextCall("call.ended")
	if s := callState(a, id); s != "ended" && s != "gone" {
		t.Fatalf("after hang-up through B, A has %s", s)
	}
	// Bob's wrap-up runs on A; B finds it.
	if code := call(t, "GET", b.url+"/api/v1/me/wrap-up", bobTok, nil, nil); code != 200 {
		t.Fatalf("wrap-up through B: %d", code)
	}
	if code := call(t, "POST", b.url+"/api/v1/me/wrap-up/finish", bobTok, map[string]string{"summary": "called back"}, nil); code != 200 {
		t.Fatalf("finish wrap-up through B: %d", code)
	}
	until(t, "Bob free after wrap-up", func() bool { return agentState() == "" })

	// Second call, answered with the socket's call.offer frame on B.
	customer2, id2 := dialIn()
	// One call per conversation, whichever node the page reaches.
	busy, offerB, err := media.NewSoftphone(0x44)
	if err != nil {
		t.Fatal(err)
	}
	busy.Close()
	var conflict struct{ Error struct{ Code string } }
	if code := call(t, "POST", b.url+"/call/"+link.Token+"/offer", "", map[string]string{"sdp": offerB}, &conflict); code != 409 || conflict.Error.Code != "call_in_progress" {
		t.Fatalf("a second call on B while A has one: %d %+v", code, conflict)
	}
	agent2, offer2, err := media.NewSoftphone(0x41)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent2.Close)
	frame, _ := json.Marshal(map[string]string{"type": "call.offer", "call_id": id2, "sdp": offer2})
	frametest.Check(t, frametest.Client, frame)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bobFeed.ws.Write(ctx, websocket.MessageText, frame); err != nil {
		t.Fatal(err)
	}
	ans := bobFeed.nextCall("call.answer")
	if err := agent2.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	bothWays(customer2, agent2)
	// The customer's page polling B reads the call on A.
	var page struct{ State string }
	if code := call(t, "GET", b.url+"/call/"+link.Token+"/calls/"+id2, "", nil, &page); code != 200 || page.State != "in_call" {
		t.Fatalf("the call page's state through B: %d %q", code, page.State)
	}
	if s := agentState(); s != "in_call" {
		t.Fatalf("Bob is %q in the second call", s)
	}

	// A dies: B's sweeper ends its call and frees Bob.
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = a.cmd.Wait()
	ended := bobFeed.nextCall("call.ended")
	if ended.Call.ID != id2 {
		t.Fatalf("call.ended for %q", ended.Call.ID)
	}
	until(t, "Bob out of the call", func() bool { return agentState() == "" })
	pg, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var state string
	if err := pg.QueryRow(`SELECT state FROM calls WHERE id = $1`, id2).Scan(&state); err != nil || state != "ended" {
		t.Fatalf("the call's row: %q %v", state, err)
	}
	var evs struct {
		Items []struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		} `json:"items"`
	}
	call(t, "GET", b.url+"/api/v1/conversations/"+inbound.Conversation.ID+"/events", admin, nil, &evs)
	last := evs.Items[len(evs.Items)-1]
	if last.Data["action"] != "ended" || last.Data["reason"] != "node_lost" || last.Data["call_id"] != id2 {
		t.Fatalf("last event %+v", last)
	}
	if code := call(t, "GET", b.url+"/api/v1/me/call", bobTok, nil, nil); code != 204 {
		t.Fatalf("Bob's call after A died: %d", code)
	}
}
