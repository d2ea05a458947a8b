package realtime_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/realtime"
)

// TestSocketsPerSessionCapped: one session opens at most MaxPerSession
// sockets (429 too_many_sockets with Retry-After past it); a closed one
// frees its place; another session is not affected.
func TestSocketsPerSessionCapped(t *testing.T) {
	e := newEnv(t, realtime.Config{MaxPerSession: 2})
	tok, _ := e.login("a@example.com", desk.RoleAgent, e.qa)
	other, _ := e.login("b@example.com", desk.RoleAgent, e.qa)
	first := e.dial(tok, "")
	e.dial(tok, "")
	try := func(token string) *http.Response {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ws, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/api/v1/ws",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
		if err == nil {
			ws.CloseNow()
		}
		return resp
	}
	if resp := try(tok); resp == nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third socket of a session: %+v", resp)
	}
	e.dial(other, "")
	first.ws.Close(websocket.StatusNormalClosure, "bye")
	for i := 0; ; i++ {
		if resp := try(tok); resp != nil && resp.StatusCode == 101 {
			break
		} else if i == 100 {
			t.Fatal("a closed socket's place was not given back")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
