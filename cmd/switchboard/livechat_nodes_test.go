package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
)

// TestLiveChatAcrossNodes runs two server processes on one PostgreSQL
// database and one NATS: a visitor's widget is connected to node A while
// the agent works on node B. The agent's reply, seen receipt and typing
// reach the widget on A; the visitor's typing reaches the agent's feed on
// B; the visitor's seen receipt reaches the message's state read on B.
// The agent's file reaches the widget on A with a link that A serves, and
// the history's links (signed on A) work on B: the nodes share the secret
// key and the files (here one data folder).
func TestLiveChatAcrossNodes(t *testing.T) {
	db, prefix := pgSchema(t), natsPrefix(t)
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--db", db)
	shared := []string{"--db", db, "--nats", testNATS, "--nats-prefix", prefix, "--data", t.TempDir(),
		"--secret-key", "a-secret-key-of-at-least-32-characters"}
	a := MustServe(t, shared...)
	b := MustServe(t, shared...)
	token := login(t, b.url, "admin@example.com", "admin-password")
	var ch struct{ ID string }
	if code := call(t, "POST", b.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": "Web chat",
		"secrets": map[string]string{"session_secret": "a-long-random-session-secret"}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}

	v := dialVisitor(t, a.url+"/api/v1/livechat/"+ch.ID+"/ws", "")
	session := v.next(livechat.EventSession)
	v.next(livechat.EventHistory)
	v.send(livechat.Event{Type: livechat.EventMessage, ID: "m1", Text: "Hello from node A"})
	v.next(livechat.EventAck)

	var convs struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, "GET", b.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("conversations on B: %+v", convs.Items)
	}
	conv := convs.Items[0].ID
	feed, _ := dialFeed(t, b.url, token, "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := feed.ws.Write(ctx, 1, []byte(`{"type":"subscribe","conversation_id":"`+conv+`"}`)); err != nil {
		t.Fatal(err)
	}

	// Agent on B → visitor on A: the reply goes out through B's outbox.
	if code := call(t, "POST", b.url+"/api/v1/conversations/"+conv+"/messages", token, map[string]any{"text": "Answered from node B"}, nil); code != 201 {
		t.Fatalf("reply on B: %d", code)
	}
	got := v.next(livechat.EventMessage)
	if got.Text != "Answered from node B" || got.Direction != "out" {
		t.Fatalf("visitor on A got %+v", got)
	}
	// Seen, agent → visitor.
	if code := call(t, "POST", b.url+"/api/v1/conversations/"+conv+"/seen", token, nil, nil); code != 200 {
		t.Fatalf("seen on B: %d", code)
	}
	v.next(livechat.EventSeen)
	// Typing, agent → visitor.
	if err := feed.ws.Write(ctx, 1, []byte(`{"type":"typing","conversation_id":"`+conv+`"}`)); err != nil {
		t.Fatal(err)
	}
	v.next(livechat.EventTyping)
	// Typing, visitor → agent.
	v.send(livechat.Event{Type: livechat.EventTyping})
	feed.waitFor("typing", conv)
	// Seen, visitor → agent: the reply's state read on B.
	v.send(livechat.Event{Type: livechat.EventSeen, IDs: []string{got.ID}})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var msgs struct {
			Items []struct {
				Text          string
				DeliveryState string `json:"delivery_state"`
			} `json:"items"`
		}
		call(t, "GET", b.url+"/api/v1/conversations/"+conv+"/messages", token, nil, &msgs)
		if n := len(msgs.Items); n == 2 && msgs.Items[1].DeliveryState == "seen" {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("messages on B: %+v", msgs.Items)
		}
	}

	// A file, agent on B → visitor on A, opened through A.
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("files", "guide.pdf")
	fw.Write(pdf)
	mw.Close()
	req, _ := http.NewRequest("POST", b.url+"/api/v1/conversations/"+conv+"/messages", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("file reply on B: %d", resp.StatusCode)
	}
	open := func(base string, files []livechat.File) {
		t.Helper()
		if len(files) != 1 || files[0].Name != "guide.pdf" || files[0].URL == "" {
			t.Fatalf("files %+v", files)
		}
		resp, err := http.Get(base + files[0].URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || !bytes.Equal(got, pdf) {
			t.Fatalf("GET %s: %d %q", base+files[0].URL, resp.StatusCode, got)
		}
	}
	open(a.url, v.next(livechat.EventMessage).Files)
	again := dialVisitor(t, a.url+"/api/v1/livechat/"+ch.ID+"/ws", session.Token)
	again.next(livechat.EventSession)
	hist := again.next(livechat.EventHistory).Messages
	open(b.url, hist[len(hist)-1].Files)
}
