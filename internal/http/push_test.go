package http

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/push"
	"github.com/switchboard-cc/switchboard/internal/push/pushtest"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestWebPushMobilePresence is A7 end to end on both stores, against a
// local push service that verifies the VAPID signature and decrypts the
// RFC 8291 payload: the phone app (client "mobile") subscribes for its
// session; it keeps Available past the 60 s inactivity rule while a web
// session does not; an assignment reaches the phone as a push; a push
// service answering 410 drops the subscription and sets the agent
// Offline; signing out ends the subscription.
func TestWebPushMobilePresence(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		var changes sqlstore.ChangeForwarder
		testWebPush(t, sqlitetest.OpenWith(t, desk.SystemClock{}, sqlstore.Options{Changes: changes.Handle}), &changes)
	})
	t.Run("postgres", func(t *testing.T) {
		var changes sqlstore.ChangeForwarder
		testWebPush(t, pgtest.OpenWith(t, desk.SystemClock{}, sqlstore.Options{Changes: changes.Handle}), &changes)
	})
}

// testWebPush runs on st, which tells its changes to changes.
func testWebPush(t *testing.T, st *sqlstore.Store, changes *sqlstore.ChangeForwarder) {
	{
		ps := pushtest.New(t)
		var notifier *push.Notifier
		e := newEnvOn(t, st, Config{BodyLimit: 4096}, func(cfg *envConfig) {
			sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
			key, err := cfg.Store.VAPIDKey(sys, push.GenerateVAPIDKey)
			if err != nil {
				t.Fatal(err)
			}
			v, err := push.NewVAPID(key, "mailto:ops@example.com")
			if err != nil {
				t.Fatal(err)
			}
			cfg.VAPIDPublicKey = v.PublicKey()
			notifier = push.NewNotifier(cfg.Store, &push.Sender{Client: ps.Client(), VAPID: v}, nil)
			changes.Bind(notifier.HandleChanges)
		})
		t.Cleanup(func() { changes.Bind(nil) })
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		var key struct {
			PublicKey string `json:"public_key"`
		}
		e.do("GET", "/api/v1/push/key", e.agentA, "", 200, &key)
		if len(key.PublicKey) < 80 {
			t.Fatalf("key %q", key.PublicKey)
		}
		// Agent A signs in on the phone app; B stays on the web.
		var login struct{ Token string }
		e.do("POST", "/api/v1/auth/login", "", `{"email":"a@example.com","password":"password1","client":"mobile"}`, 200, &login)
		phone := login.Token
		endpoint, p256dh, auth := ps.Subscription("/push/phone-a")
		sub, _ := json.Marshal(map[string]any{"endpoint": endpoint, "expirationTime": nil, "keys": map[string]string{"p256dh": p256dh, "auth": auth}})
		e.do("PUT", "/api/v1/me/push", phone, `{"endpoint":"ftp://x","keys":{"p256dh":"a","auth":"b"}}`, 400, nil)
		e.do("PUT", "/api/v1/me/push", phone, string(sub), 204, nil)
		e.do("PUT", "/api/v1/me/status", phone, `{"status":"available"}`, 200, nil)
		e.do("PUT", "/api/v1/me/status", e.agentB, `{"status":"available"}`, 200, nil)

		// Both silent past the timeout: the phone keeps its status, the web client does not.
		gone, err := e.store.ExpireInactiveAgents(sys, -time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(gone) != 1 || gone[0] != e.idB {
			t.Fatalf("expired %v, want only the web agent %s", gone, e.idB)
		}
		// An assignment reaches the phone, verified and decrypted by the push service.
		e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/assign", e.sup, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
		notifier.Flush(context.Background())
		got := ps.Received()
		if len(got) != 1 {
			t.Fatalf("pushes %q", got)
		}
		var msg push.Message
		if err := json.Unmarshal([]byte(got[0]), &msg); err != nil || msg.Type != "conversation.assigned" || msg.ConversationID != e.convA {
			t.Fatalf("push %q", got[0])
		}
		// A customer message in a conversation the agent holds is pushed too.
		if _, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+15550001", Text: "still there?", ExternalID: "a2"}); err != nil {
			t.Fatal(err)
		}
		notifier.Flush(context.Background())
		if got = ps.Received(); len(got) != 2 || json.Unmarshal([]byte(got[1]), &msg) != nil || msg.Type != "message.created" {
			t.Fatalf("pushes %q", got)
		}
		// The phone is really gone: 410 drops the subscription and the agent goes Offline.
		ps.SetStatus(http.StatusGone)
		if _, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: "+15550001", Text: "hello?", ExternalID: "a3"}); err != nil {
			t.Fatal(err)
		}
		notifier.Flush(context.Background())
		if subs, _ := e.store.FindPushSubscriptions(sys, e.idA); len(subs) != 0 {
			t.Fatalf("gone subscription kept: %+v", subs)
		}
		if a, _ := e.store.FindAgentByID(sys, e.idA); a.Status != desk.StatusOffline {
			t.Fatalf("agent %s after the phone was gone", a.Status)
		}
		// Signing out ends the session's subscription.
		ps.SetStatus(http.StatusCreated)
		e.do("PUT", "/api/v1/me/push", phone, string(sub), 204, nil)
		if subs, _ := e.store.FindPushSubscriptions(sys, e.idA); len(subs) != 1 {
			t.Fatalf("subscribed again: %+v", subs)
		}
		e.do("POST", "/api/v1/auth/logout", phone, "", 204, nil)
		if subs, _ := e.store.FindPushSubscriptions(sys, e.idA); len(subs) != 0 {
			t.Fatalf("subscription outlived its session: %+v", subs)
		}
	}
}
