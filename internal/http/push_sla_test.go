package http

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/push"
	"github.com/switchboard-cc/switchboard/internal/push/pushtest"
	"github.com/switchboard-cc/switchboard/internal/sla"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestWebPushSLABreach: an SLA breach's notification reaches the
// assignee's subscribed phone as a Web Push (verified and decrypted by a
// local push service), opening the conversation.
func TestWebPushSLABreach(t *testing.T) {
	ps := pushtest.New(t)
	var notifier *push.Notifier
	var changes sqlstore.ChangeForwarder
	st := sqlitetest.OpenWith(t, desk.SystemClock{}, sqlstore.Options{Changes: changes.Handle})
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
		notifier = push.NewNotifier(cfg.Store, &push.Sender{Client: ps.Client(), VAPID: v}, nil)
		changes.Bind(notifier.HandleChanges)
	})
	t.Cleanup(func() { changes.Bind(nil) })
	var login struct{ Token string }
	e.do("POST", "/api/v1/auth/login", "", `{"email":"a@example.com","password":"password1","client":"mobile"}`, 200, &login)
	endpoint, p256dh, auth := ps.Subscription("/push/phone-a")
	sub, _ := json.Marshal(map[string]any{"endpoint": endpoint, "keys": map[string]string{"p256dh": p256dh, "auth": auth}})
	e.do("PUT", "/api/v1/me/push", login.Token, string(sub), 204, nil)
	e.do("POST", "/api/v1/sla-policies", e.sup, `{"queue_id":"`+e.queueA.String()+`","first_response_minutes":1}`, 201, nil)
	e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/assign", e.sup, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
	notifier.Flush(context.Background())
	before := len(ps.Received()) // the assignment's push
	sys := desk.NewContextWithActor(t.Context(), desk.SystemActor)
	if err := sla.NewTracker(e.store, aheadClock{2 * time.Minute}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Minute).Sync(sys, e.convA); err != nil {
		t.Fatal(err)
	}
	notifier.Flush(context.Background())
	got := ps.Received()
	if len(got) != before+1 {
		t.Fatalf("pushes %q", got)
	}
	var msg push.Message
	if err := json.Unmarshal([]byte(got[before]), &msg); err != nil || msg.Type != "notification" || msg.ConversationID != e.convA ||
		msg.URL != "/work/all/"+e.convA.String() || msg.Title != "SLA breached" {
		t.Fatalf("push %q", got[before])
	}
}
