package socket

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// pair returns a Writer on the server side of a real WebSocket and the
// client's connection.
func pair(t *testing.T, cfg Config) (*Writer, *websocket.Conn) {
	t.Helper()
	ready := make(chan *Writer, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ready <- New(conn, cfg)
		// Keep the handler (and the connection) until the client goes.
		_, _, _ = conn.Read(context.Background())
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return <-ready, c
}

func read(t *testing.T, c *websocket.Conn) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	return string(b), err
}

// TestWriterInOrder: frames reach the client in the order pushed.
func TestWriterInOrder(t *testing.T) {
	w, c := pair(t, Config{Limit: 100, WriteTimeout: 5 * time.Second})
	for _, f := range []string{"a", "b", "c"} {
		if !w.Push([]byte(f)) {
			t.Fatalf("push %s refused", f)
		}
	}
	for _, want := range []string{"a", "b", "c"} {
		if got, err := read(t, c); err != nil || got != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
}

// TestWriterTooSlow: one frame past the limit closes the connection with
// CloseTooSlow, tells Closed once, and refuses what follows.
func TestWriterTooSlow(t *testing.T) {
	var mu sync.Mutex
	var closed []websocket.StatusCode
	w, c := pair(t, Config{Limit: 3, WriteTimeout: 5 * time.Second, Held: true,
		Closed: func(code websocket.StatusCode, _ string) { mu.Lock(); closed = append(closed, code); mu.Unlock() }})
	for i := range 3 {
		if !w.Push([]byte{'0' + byte(i)}) {
			t.Fatalf("push %d refused within the limit", i)
		}
	}
	if w.Push([]byte("x")) {
		t.Fatal("a push past the limit was taken")
	}
	if w.Kicked() != CloseTooSlow || w.Push([]byte("y")) || len(w.Waiting()) != 0 {
		t.Fatalf("after overflow: code %d, waiting %d", w.Kicked(), len(w.Waiting()))
	}
	w.Start()
	_, err := read(t, c)
	if websocket.CloseStatus(err) != CloseTooSlow {
		t.Fatalf("client saw %v, want close %d", err, CloseTooSlow)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(closed) != 1 || closed[0] != CloseTooSlow {
		t.Fatalf("Closed told %v", closed)
	}
}

// TestWriterHeld: a held writer writes nothing until Start; unbounded
// pushes (a catch-up) pass the limit.
func TestWriterHeld(t *testing.T) {
	w, c := pair(t, Config{Limit: 1, WriteTimeout: 5 * time.Second, Held: true})
	if !w.PushUnbounded([]byte("1")) || !w.PushUnbounded([]byte("2")) {
		t.Fatal("unbounded pushes refused")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	_, _, err := c.Read(ctx)
	cancel()
	if err == nil {
		t.Fatal("a held writer wrote")
	}
	// The read's timeout closed c; a held writer's frames are still there.
	if got := len(w.Waiting()); got != 2 {
		t.Fatalf("%d frames waiting, want 2", got)
	}
}

// TestWriterStalledClient: a client that stops reading is closed once a
// write cannot complete within WriteTimeout, with no frame left queued.
func TestWriterStalledClient(t *testing.T) {
	var mu sync.Mutex
	var closed []websocket.StatusCode
	w, _ := pair(t, Config{Limit: 1 << 20, WriteTimeout: 100 * time.Millisecond,
		Closed: func(code websocket.StatusCode, _ string) { mu.Lock(); closed = append(closed, code); mu.Unlock() }})
	big := []byte(strings.Repeat("x", 1<<16))
	deadline := time.Now().Add(30 * time.Second)
	for w.Kicked() == 0 && time.Now().Before(deadline) {
		w.Push(big) // the client never reads: the socket buffers fill
		time.Sleep(time.Millisecond)
	}
	if w.Kicked() != CloseTooSlow {
		t.Fatalf("stalled client: code %d, want %d", w.Kicked(), CloseTooSlow)
	}
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(closed)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(closed) != 1 || closed[0] != CloseTooSlow {
		t.Fatalf("Closed told %v", closed)
	}
}
