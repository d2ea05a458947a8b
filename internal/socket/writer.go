// Package socket is the outgoing side of a WebSocket: the frames waiting
// for one connection and the one slow-client policy every hub applies —
// the agents' live feed (internal/realtime) and Live Chat's visitor
// sockets (internal/channel/livechat).
//
// The policy: a connection may have at most Limit frames waiting; one more
// means the client cannot keep up, and it is closed with CloseTooSlow
// rather than hold up whoever sends (the client reconnects and catches
// up). A write that does not complete within WriteTimeout (the client
// stopped reading until its TCP buffers filled) closes it the same way,
// at once, as no close frame can reach it. A connection costs no
// goroutine while nothing waits: a writer runs while there are frames and
// ends when the queue is empty, and the queue's memory goes with it.
package socket

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// CloseTooSlow is the close code of a client that could not keep up.
const CloseTooSlow = websocket.StatusCode(4008)

// Config is a Writer's policy.
type Config struct {
	// Limit is the most frames that may wait (at least 1).
	Limit int
	// WriteTimeout bounds one write.
	WriteTimeout time.Duration
	// Closed, if set, is told once why the connection was closed, just
	// before the close (metrics, logs).
	Closed func(code websocket.StatusCode, reason string)
	// Held makes frames wait until Start: a handler that registers a
	// socket before writing its first frames itself (so nothing sent
	// meanwhile is lost) starts the writer after them.
	Held bool
}

// Writer queues frames for one connection and writes them in order.
type Writer struct {
	conn *websocket.Conn
	cfg  Config

	mu       sync.Mutex
	out      [][]byte // frames waiting; nil while none
	writing  bool     // a writer goroutine runs (or the writer is held)
	code     websocket.StatusCode
	reason   string
	closeNow bool // the close frame cannot be written (see abort)
}

// New returns a writer for conn.
func New(conn *websocket.Conn, cfg Config) *Writer {
	if cfg.Limit < 1 {
		cfg.Limit = 1
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	return &Writer{conn: conn, cfg: cfg, writing: cfg.Held}
}

// Push queues a frame without waiting and reports whether it was taken; a
// full queue closes the connection as too slow.
func (w *Writer) Push(data []byte) bool { return w.enqueue(data, true) }

// PushUnbounded queues a frame past the limit: the catch-up of a joining
// client, which may exceed what a live client may fall behind.
func (w *Writer) PushUnbounded(data []byte) bool { return w.enqueue(data, false) }

func (w *Writer) enqueue(data []byte, bounded bool) bool {
	w.mu.Lock()
	if w.code != 0 {
		w.mu.Unlock()
		return false
	}
	if bounded && len(w.out) >= w.cfg.Limit {
		w.mu.Unlock()
		w.Kick(CloseTooSlow, "client too slow: frames were not read in time")
		return false
	}
	w.out = append(w.out, data)
	start := !w.writing
	w.writing = true
	w.mu.Unlock()
	if start {
		go w.write()
	}
	return true
}

// Start lets a held writer write what waits and what follows.
func (w *Writer) Start() {
	w.mu.Lock()
	if !w.cfg.Held {
		w.mu.Unlock()
		return
	}
	w.cfg.Held = false
	w.mu.Unlock()
	go w.write()
}

// Kick ends the connection with a reason; the first reason stands. The
// writer closes the socket once its current write is done (a held writer
// when started).
func (w *Writer) Kick(code websocket.StatusCode, reason string) {
	w.mu.Lock()
	if w.code != 0 {
		w.mu.Unlock()
		return
	}
	w.code, w.reason = code, reason
	w.out = nil
	start := !w.writing
	w.writing = true
	w.mu.Unlock()
	if start {
		go w.write()
	}
}

// abort is Kick for a connection that can no longer carry a close frame:
// the socket is closed at once.
func (w *Writer) abort(code websocket.StatusCode, reason string) {
	w.mu.Lock()
	if w.code == 0 {
		w.code, w.reason = code, reason
	}
	w.out = nil
	w.closeNow = true
	w.mu.Unlock()
}

// Kicked reports the close code, zero while the connection is open.
func (w *Writer) Kicked() websocket.StatusCode {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.code
}

// Waiting returns the frames waiting to be written, oldest first.
func (w *Writer) Waiting() [][]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.out...)
}

// write sends the queued frames, then ends; after a kick it closes the
// socket with the reason instead.
func (w *Writer) write() {
	for {
		w.mu.Lock()
		if w.cfg.Held {
			w.mu.Unlock()
			return // Start writes
		}
		if w.code != 0 {
			code, reason, now := w.code, w.reason, w.closeNow
			w.mu.Unlock()
			if w.cfg.Closed != nil {
				w.cfg.Closed(code, reason)
			}
			if now || code == websocket.StatusAbnormalClosure {
				w.conn.CloseNow()
			} else {
				w.conn.Close(code, reason)
			}
			return // writing stays true: nothing is written after the close
		}
		if len(w.out) == 0 {
			w.out = nil // the queue's memory goes while the client is idle
			w.writing = false
			w.mu.Unlock()
			return
		}
		// One frame at a time: what waits in out is what the client has
		// not been handed yet, the measure of a slow client.
		data := w.out[0]
		w.out[0] = nil
		w.out = w.out[1:]
		w.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), w.cfg.WriteTimeout)
		err := w.conn.Write(ctx, websocket.MessageText, data)
		timedOut := ctx.Err() != nil
		cancel()
		switch {
		case err != nil && timedOut:
			// The client stopped reading until its TCP buffers filled: too
			// slow, like a full queue, but no close frame can reach it now
			// (the library has dropped the connection).
			w.abort(CloseTooSlow, "client too slow: a write did not complete in time")
		case err != nil:
			w.Kick(websocket.StatusAbnormalClosure, "write failed")
		}
	}
}
