package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
	"github.com/switchboard-cc/switchboard/internal/http/frametest"
	"github.com/switchboard-cc/switchboard/web"
)

// visitor is a Go client of the widget protocol.
type visitor struct {
	tb   testing.TB
	conn *websocket.Conn
	ctx  context.Context
}

// dialVisitor connects from another site's page, as the widget does, and
// says hello with token (empty for a new visitor).
func dialVisitor(tb testing.TB, url, token string) *visitor {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, strings.Replace(url, "http", "ws", 1), &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"https://shop.example.com"}}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.CloseNow() })
	v := &visitor{tb: tb, conn: conn, ctx: ctx}
	v.send(livechat.Event{Type: livechat.EventHello, Token: token})
	return v
}

func (v *visitor) send(e livechat.Event) {
	v.tb.Helper()
	data, _ := json.Marshal(e)
	frametest.Check(v.tb, frametest.LiveChatVisitor, data)
	if err := wsjson.Write(v.ctx, v.conn, e); err != nil {
		v.tb.Fatal(err)
	}
}

// next returns the next frame of the given type, skipping others.
func (v *visitor) next(typ string) livechat.Event {
	v.tb.Helper()
	for {
		var e livechat.Event
		_, data, err := v.conn.Read(v.ctx)
		if err != nil {
			v.tb.Fatalf("waiting for %s: %v", typ, err)
		}
		// Every frame is one of the document's (issue 21).
		frametest.Check(v.tb, frametest.LiveChatServer, data)
		if err := json.Unmarshal(data, &e); err != nil {
			v.tb.Fatal(err)
		}
		if e.Type == typ {
			return e
		}
	}
}

// TestLiveChat drives the widget protocol against the binary: signed
// sessions that survive a reconnect, messages both ways through the outbox,
// idempotent resends, the 4096-character limit, receipts both ways, and
// the history (without notes) for a visitor who was away.
func TestLiveChat(t *testing.T) {
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	// Two widgets without a sender address: replies find the older
	// channel's adapter, and still reach the visitor of the newer one.
	var ch struct{ ID string }
	for _, name := range []string{"Other site", "Web chat"} {
		if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": name,
			"secrets": map[string]string{"session_secret": "a-long-random-session-secret-" + name}}, &ch); code != 201 {
			t.Fatalf("create channel: %d", code)
		}
	}
	resp, err := http.Get(p.url + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if _, built := web.Embedded("widget.js"); !built {
		// Without the web build the binary says so (the protocol below
		// needs no script); CI builds the web first, so there it fails.
		if os.Getenv("CI") != "" {
			t.Fatal("web/dist/embedded/widget.js is missing: the web build must run before the Go tests")
		}
		if resp.StatusCode != 503 || !strings.Contains(string(js), `"web_not_built"`) {
			t.Fatalf("widget.js without the web build: %d %s", resp.StatusCode, js)
		}
		t.Log("no web build: /widget.js answers 503 web_not_built; run `make build` to check the script")
	} else if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(js), "/api/v1/livechat/") {
		t.Fatalf("widget.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	wsURL := p.url + "/api/v1/livechat/" + ch.ID + "/ws"

	v := dialVisitor(t, wsURL, "")
	sess := v.next(livechat.EventSession)
	if sess.Token == "" || !strings.HasPrefix(sess.VisitorID, "v-") {
		t.Fatalf("session %+v", sess)
	}
	if h := v.next(livechat.EventHistory); len(h.Messages) != 0 {
		t.Fatalf("new visitor has history %+v", h.Messages)
	}
	v.send(livechat.Event{Type: livechat.EventMessage, ID: "m1", Text: "Hello, is anyone there?"})
	if a := v.next(livechat.EventAck); a.ID != "m1" {
		t.Fatalf("ack %+v", a)
	}
	v.send(livechat.Event{Type: livechat.EventMessage, ID: "m1", Text: "Hello, is anyone there?"}) // resent after a lost ack
	v.next(livechat.EventAck)
	v.send(livechat.Event{Type: livechat.EventMessage, ID: "m2", Text: strings.Repeat("x", 4097)})
	if e := v.next(livechat.EventError); e.ID != "m2" || e.Code != "text_too_long" {
		t.Fatalf("too long: %+v", e)
	}

	var convs struct {
		Items []struct{ ID, Channel string } `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].Channel != "livechat" {
		t.Fatalf("conversations %+v", convs.Items)
	}
	conv := p.url + "/api/v1/conversations/" + convs.Items[0].ID
	if code := call(t, "POST", conv+"/messages", token, map[string]any{"text": "Hi! How can I help?"}, nil); code != 201 {
		t.Fatalf("reply: %d", code)
	}
	got := v.next(livechat.EventMessage)
	if got.Direction != "out" || got.Text != "Hi! How can I help?" || !strings.HasPrefix(got.ID, "lc-") {
		t.Fatalf("agent message %+v", got)
	}
	v.send(livechat.Event{Type: livechat.EventDelivered, IDs: []string{got.ID}})
	v.send(livechat.Event{Type: livechat.EventSeen, IDs: []string{got.ID}})
	type msg struct {
		Text, Kind    string
		DeliveryState string `json:"delivery_state"`
	}
	var thread struct{ Items []msg }
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		call(t, "GET", conv+"/messages", token, nil, &thread)
		if len(thread.Items) == 2 && thread.Items[1].DeliveryState == "seen" || time.Now().After(deadline) {
			break
		}
	}
	if len(thread.Items) != 2 || thread.Items[1].DeliveryState != "seen" {
		t.Fatalf("thread %+v (want the visitor's message once and the reply seen)", thread.Items)
	}
	var told struct{ Notified int }
	call(t, "POST", conv+"/seen", token, nil, &told)
	if e := v.next(livechat.EventSeen); told.Notified != 1 || e.Type != livechat.EventSeen {
		t.Fatalf("agent seen: notified %d", told.Notified)
	}

	// The visitor leaves; the agent answers and writes a note meanwhile.
	v.conn.Close(websocket.StatusNormalClosure, "page closed")
	call(t, "POST", conv+"/messages", token, map[string]any{"text": "We have shipped it."}, nil)
	call(t, "POST", conv+"/messages", token, map[string]any{"type": "note", "text": "internal: VIP"}, nil)
	time.Sleep(200 * time.Millisecond)

	// A reload: the stored token brings back the same visitor and thread.
	v2 := dialVisitor(t, wsURL, sess.Token)
	if s2 := v2.next(livechat.EventSession); s2.VisitorID != sess.VisitorID {
		t.Fatalf("after reload visitor %s, want %s", s2.VisitorID, sess.VisitorID)
	}
	h := v2.next(livechat.EventHistory)
	var texts []string
	for _, m := range h.Messages {
		texts = append(texts, m.Direction+":"+m.Text)
	}
	if strings.Join(texts, "|") != "in:Hello, is anyone there?|out:Hi! How can I help?|out:We have shipped it." {
		t.Fatalf("history %q", texts)
	}

	// A forged token starts a new visitor, who sees nothing of the thread.
	v3 := dialVisitor(t, wsURL, sess.Token[:len(sess.Token)-2]+"xx")
	if s3 := v3.next(livechat.EventSession); s3.VisitorID == sess.VisitorID {
		t.Fatal("forged token accepted")
	}
	if h := v3.next(livechat.EventHistory); len(h.Messages) != 0 {
		t.Fatalf("new visitor sees %+v", h.Messages)
	}
}
