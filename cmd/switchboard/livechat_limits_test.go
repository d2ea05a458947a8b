package main

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
)

// TestLiveChatRateLimits: one address can start only so many visitor
// sessions and conversations and send only so many messages per minute
// (the channel's settings); past that the widget gets rate_limited with a
// retry_after and nothing is created.
func TestLiveChatRateLimits(t *testing.T) {
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	var ch struct{ ID string }
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": "Web chat",
		"settings": map[string]string{"rate_sessions_per_address": "3", "rate_conversations_per_address": "2", "rate_messages_per_address": "4"},
		"secrets":  map[string]string{"session_secret": "a-long-random-session-secret"}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": "Bad",
		"settings": map[string]string{"rate_messages_per_address": "lots"},
		"secrets":  map[string]string{"session_secret": "a-long-random-session-secret"}}, nil); code != 400 {
		t.Fatalf("a bad limit is accepted: %d", code)
	}
	wsURL := p.url + "/api/v1/livechat/" + ch.ID + "/ws"

	var vs []*visitor
	var firstToken string
	for i := 0; i < 3; i++ {
		v := dialVisitor(t, wsURL, "")
		if s := v.next(livechat.EventSession); i == 0 {
			firstToken = s.Token
		}
		v.next(livechat.EventHistory)
		vs = append(vs, v)
	}
	extra := dialVisitor(t, wsURL, "")
	if e := extra.next(livechat.EventError); e.Code != "rate_limited" || e.RetryAfter < 1 || e.Message == "" {
		t.Fatalf("fourth session: %+v", e)
	}
	// A returning visitor (valid token) is not a new session, but one
	// visitor holds at most 8 sockets at once (vs[0] holds one).
	for i := 0; i < 7; i++ {
		back := dialVisitor(t, wsURL, firstToken)
		back.next(livechat.EventSession)
		back.next(livechat.EventHistory)
	}
	ninth := dialVisitor(t, wsURL, firstToken)
	if e := ninth.next(livechat.EventError); e.Code != "rate_limited" {
		t.Fatalf("a visitor's ninth socket: %+v", e)
	}
	// Conversations: two start, the third visitor's first message waits.
	for i, v := range vs {
		v.send(livechat.Event{Type: livechat.EventMessage, ID: "first", Text: "hello"})
		if i < 2 {
			v.next(livechat.EventAck)
		} else if e := v.next(livechat.EventError); e.Code != "rate_limited" || e.ID != "first" {
			t.Fatalf("third conversation: %+v", e)
		}
	}
	// Messages: 4 a minute from the address, two spent by the first ones.
	vs[0].send(livechat.Event{Type: livechat.EventMessage, ID: "m2", Text: "more"})
	vs[0].next(livechat.EventAck)
	vs[1].send(livechat.Event{Type: livechat.EventMessage, ID: "m2", Text: "more"})
	vs[1].next(livechat.EventAck)
	vs[0].send(livechat.Event{Type: livechat.EventMessage, ID: "m3", Text: "and more"})
	if e := vs[0].next(livechat.EventError); e.Code != "rate_limited" || e.ID != "m3" || e.RetryAfter < 1 {
		t.Fatalf("fifth message: %+v", e)
	}
	var convs struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 2 {
		t.Fatalf("%d conversations, want 2", len(convs.Items))
	}
}
