package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
)

// dialVisitorHello is dialVisitor with a hello of the test's own.
func dialVisitorHello(tb testing.TB, url string, hello livechat.Event) *visitor {
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
	v.send(hello)
	return v
}

// TestLiveChatIdentity: a site signs its signed-in user's ID (HMAC-SHA256
// with the channel's identity_secret); the user is one visitor, customer
// and conversation on every device; an unsigned or wrongly signed ID is
// ignored. The pre-chat form's name and email fill the customer (issue 16).
func TestLiveChatIdentity(t *testing.T) {
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	const idSecret = "site-identity-secret-0123456789"
	var ch struct{ ID string }
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": "Shop chat",
		"settings": map[string]string{"prechat": "name,email"},
		"secrets":  map[string]string{"session_secret": "a-long-random-session-secret", "identity_secret": idSecret}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	wsURL := p.url + "/api/v1/livechat/" + ch.ID + "/ws"
	hello := func(e livechat.Event) (*visitor, livechat.Event, livechat.Event) {
		t.Helper()
		e.Type = livechat.EventHello
		v := dialVisitorHello(t, wsURL, e)
		return v, v.next(livechat.EventSession), v.next(livechat.EventHistory)
	}
	signed := livechat.Event{UserID: "user-42", UserHash: livechat.UserHash(idSecret, "user-42"), Name: "Ada Lovelace", Email: "Ada@Example.com"}

	// The laptop.
	laptop, s1, h1 := hello(signed)
	if !s1.Verified || !strings.HasPrefix(s1.VisitorID, "v-u") || len(h1.Messages) != 0 || strings.Join(s1.Prechat, ",") != "name,email" {
		t.Fatalf("signed session %+v, history %d", s1, len(h1.Messages))
	}
	laptop.send(livechat.Event{Type: livechat.EventMessage, ID: "m1", Text: "Where is my order?"})
	laptop.next(livechat.EventAck)
	// The phone, another browser: the same visitor, its history.
	phone, s2, h2 := hello(livechat.Event{UserID: signed.UserID, UserHash: strings.ToUpper(signed.UserHash)})
	if s2.VisitorID != s1.VisitorID || !s2.Verified || len(h2.Messages) != 1 || h2.Messages[0].Text != "Where is my order?" {
		t.Fatalf("second device: session %+v, history %+v", s2, h2.Messages)
	}
	phone.send(livechat.Event{Type: livechat.EventMessage, ID: "m2", Text: "Sent from my phone"})
	phone.next(livechat.EventAck)
	// Wrongly signed and unsigned claims are ignored: anonymous visitors.
	for _, claim := range []livechat.Event{
		{UserID: "user-42", UserHash: livechat.UserHash("guessed-secret-0123456789", "user-42")},
		{UserID: "user-42"},
		{UserID: "user-43", UserHash: signed.UserHash},
	} {
		_, s, h := hello(claim)
		if s.Verified || s.VisitorID == s1.VisitorID || strings.HasPrefix(s.VisitorID, "v-u") || len(h.Messages) != 0 {
			t.Fatalf("claim %+v: session %+v, history %d", claim, s, len(h.Messages))
		}
	}
	// A visitor who answers the pre-chat form after connecting.
	anon, _, _ := hello(livechat.Event{})
	anon.send(livechat.Event{Type: livechat.EventProfile, Name: "Grace Hopper", Email: "not an address"})
	anon.send(livechat.Event{Type: livechat.EventMessage, ID: "g1", Text: "Hi"})
	anon.next(livechat.EventAck)

	type contact struct{ Channel, Address string }
	var convs struct {
		Items []struct {
			ID, Channel  string
			CustomerID   string `json:"customer_id"`
			CustomerName string `json:"customer_name"`
		} `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	byName := map[string]string{}
	for _, c := range convs.Items {
		byName[c.CustomerName] = c.CustomerID
	}
	if len(convs.Items) != 2 || byName["Ada Lovelace"] == "" || byName["Grace Hopper"] == "" {
		t.Fatalf("conversations %+v: want Ada's one (both devices) and Grace's", convs.Items)
	}
	var ada struct {
		Name     string
		Contacts []contact
	}
	call(t, "GET", p.url+"/api/v1/customers/"+byName["Ada Lovelace"], token, nil, &ada)
	if len(ada.Contacts) != 2 || ada.Contacts[0] != (contact{"livechat", s1.VisitorID}) || ada.Contacts[1] != (contact{"email", "ada@example.com"}) {
		t.Fatalf("Ada = %+v", ada)
	}
	var grace struct{ Contacts []contact }
	call(t, "GET", p.url+"/api/v1/customers/"+byName["Grace Hopper"], token, nil, &grace)
	if len(grace.Contacts) != 1 {
		t.Fatalf("an invalid email became a contact: %+v", grace.Contacts)
	}
}
