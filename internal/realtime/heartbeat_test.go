package realtime_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/realtime"
)

// touchStore is the real store counting the activity it records (A5).
type touchStore struct {
	desk.Store
	touches atomic.Int64
}

func (s *touchStore) TouchAgent(ctx context.Context, agentID desk.ID) error {
	s.touches.Add(1)
	return s.Store.TouchAgent(ctx, agentID)
}

// TestHeartbeatActivity: connecting and every client message are activity
// (A5); protocol pongs only keep the socket open. A client that answers
// the server's pings but sends nothing leaves its agent to go Offline.
func TestHeartbeatActivity(t *testing.T) {
	var ts *touchStore
	e := newEnvWith(t, realtime.Config{PingInterval: 20 * time.Millisecond}, func(s desk.Store) realtime.HubStore {
		ts = &touchStore{Store: s}
		return ts
	})
	tok, _ := e.login("a@example.com", desk.RoleAgent, e.qa)
	pings := make(chan struct{}, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/api/v1/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}},
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pings <- struct{}{}:
			default:
			}
			return true // answer with a pong
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	c := &conn{t: t, ws: ws}
	if f := c.next(); f.Type != "hello" {
		t.Fatalf("first frame %+v", f)
	}
	frames := make(chan frame, 100)
	go func() { // reading is what answers pings
		for {
			f, err := c.read(20 * time.Second)
			if err != nil {
				close(frames)
				return
			}
			frames <- f
		}
	}()
	// Three pings received: the server has read the pongs of the first two
	// (it waits for each pong before the next ping).
	for range 3 {
		select {
		case <-pings:
		case <-ctx.Done():
			t.Fatal("no pings from the server")
		}
	}
	if n := ts.touches.Load(); n != 1 {
		t.Fatalf("activity recorded %d times after connect and pongs only, want 1 (the connect)", n)
	}
	// The client's own heartbeat counts.
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	for f := range frames {
		if f.Type == "pong" {
			break
		}
	}
	if n := ts.touches.Load(); n != 2 {
		t.Fatalf("activity recorded %d times after a heartbeat, want 2", n)
	}
}

// TestSubscriptionLimit: a socket watches at most 100 conversations for
// typing; the next subscription is refused with a code, and unsubscribing
// makes room.
func TestSubscriptionLimit(t *testing.T) {
	e := newEnv(t, realtime.Config{Buffer: 256})
	tok, _ := e.login("sup@example.com", desk.RoleSupervisor)
	var convs []desk.ID
	for range 101 {
		convs = append(convs, e.conversationTo(e.qa))
	}
	c := e.dial(tok, "")
	send := func(typ string, id desk.ID) { c.send(`{"type":"` + typ + `","conversation_id":"` + id.String() + `"}`) }
	for _, id := range convs {
		send("subscribe", id)
	}
	if f, _ := c.until("error"); f.ConversationID != convs[100] {
		t.Fatalf("refused %+v, want the 101st conversation", f)
	}
	send("unsubscribe", convs[0])
	send("subscribe", convs[100])
	c.send(`{"type":"ping"}`)
	if _, skipped := c.until("pong"); len(skipped) > 0 {
		for _, f := range skipped {
			if f.Type == "error" {
				t.Fatalf("subscription after unsubscribing refused: %+v", f)
			}
		}
	}
}
