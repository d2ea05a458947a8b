package realtime

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Close codes a client can act on: reconnect, sign in again, or slow down.
const (
	closeGoingAway = websocket.StatusGoingAway
	closeRevoked   = websocket.StatusCode(4001) // the session ended: signed in elsewhere or logged out
	closeTooSlow   = websocket.StatusCode(4008) // the client could not keep up
)

// client is one connected socket. It costs one goroutine (the reader) while
// idle: frames are written by a goroutine started when there is something
// to send, which ends once the queue is empty, and the queue itself is
// allocated only while frames wait (issue 4: memory per socket).
type client struct {
	agentID   desk.ID
	sessionID desk.ID
	allQueues bool
	conn      *websocket.Conn
	limit     int           // most frames that may wait
	timeout   time.Duration // bounds one write
	log       *slog.Logger
	metrics   *metrics

	// Guarded by the hub's lock: the queues the agent belongs to (what it
	// may see, J2) and the last event sent, so an event reaching a client
	// by several index entries is sent once.
	queues []desk.ID
	mark   uint64
	subs   map[desk.ID]bool // conversations watched for typing; nil while none

	mu       sync.Mutex
	out      [][]byte // frames waiting; nil while none
	writing  bool     // a writer goroutine runs
	code     websocket.StatusCode
	reason   string
	closeNow bool // the close frame cannot be written (see abort)
}

func newClient(conn *websocket.Conn, a *desk.Agent, actor *desk.Actor, sessionID desk.ID, cfg *Config, log *slog.Logger, m *metrics) *client {
	return &client{agentID: a.ID, sessionID: sessionID, allQueues: actor.SeesAllQueues(), conn: conn,
		limit: cfg.Buffer, timeout: cfg.WriteTimeout, log: log, metrics: m, queues: a.QueueIDs}
}

// inQueue reports membership; the caller holds the hub's lock.
func (c *client) inQueue(q desk.ID) bool {
	for _, id := range c.queues {
		if id == q {
			return true
		}
	}
	return false
}

// seesQueue reports whether the client may see a queue's conversations and
// counts; the caller holds the hub's lock.
func (c *client) seesQueue(q desk.ID) bool { return c.allQueues || c.inQueue(q) }

// sees applies the queue access of the REST API (J2) to an event: agents
// see their queues' conversations and what concerns them; presence and
// configuration changes are for everyone. The caller holds the hub's lock.
// The hub's index (hub.recipients) must select the same clients.
func (c *client) sees(ch desk.Change) bool {
	if c.allQueues || ch.AgentID == c.agentID || ch.FreedAgentID == c.agentID {
		return true
	}
	if ch.ConversationID == 0 && ch.QueueID == 0 {
		return true
	}
	return ch.QueueID != 0 && c.inQueue(ch.QueueID)
}

// push queues a frame without waiting; a full queue means the client
// cannot keep up, and it is dropped rather than stall the hub.
func (c *client) push(data []byte) { c.enqueue(data, true) }

// enqueue adds a frame and starts the writer if none runs. Unbounded is for
// the catch-up of a joining client, which may exceed the live limit.
func (c *client) enqueue(data []byte, bounded bool) {
	c.mu.Lock()
	if c.code != 0 {
		c.mu.Unlock()
		return
	}
	if bounded && len(c.out) >= c.limit {
		c.mu.Unlock()
		c.kick(closeTooSlow, "client too slow: events were not read in time")
		return
	}
	c.out = append(c.out, data)
	c.metrics.frames.Inc()
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		go c.write()
	}
}

// kick ends the connection with a reason; the first reason stands. The
// writer closes the socket once its current write is done.
func (c *client) kick(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	if c.code != 0 {
		c.mu.Unlock()
		return
	}
	c.code, c.reason = code, reason
	c.out = nil
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		go c.write()
	}
}

// abort is kick for a connection that can no longer carry a close frame:
// the reason is counted and logged, and the socket is closed at once.
func (c *client) abort(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	if c.code == 0 {
		c.code, c.reason = code, reason
	}
	c.out = nil
	c.closeNow = true
	c.mu.Unlock()
}

// kicked reports the close code, zero while the client is connected.
func (c *client) kicked() websocket.StatusCode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code
}

// write sends the queued frames, then ends; after a kick it closes the
// socket with the reason instead.
func (c *client) write() {
	for {
		c.mu.Lock()
		if c.code != 0 {
			code, reason, now := c.code, c.reason, c.closeNow
			c.mu.Unlock()
			c.metrics.disconnects.WithLabelValues(reasonLabel(code)).Inc()
			if code == closeTooSlow || code == closeRevoked || code == closeGoingAway {
				c.log.Info("realtime: disconnecting client", "agent", c.agentID, "reason", reason)
			}
			if now || code == websocket.StatusAbnormalClosure {
				c.conn.CloseNow()
			} else {
				c.conn.Close(code, reason)
			}
			return // writing stays true: nothing is written after the close
		}
		if len(c.out) == 0 {
			c.out = nil // the queue's memory goes while the client is idle
			c.writing = false
			c.mu.Unlock()
			return
		}
		// One frame at a time: what waits in out is what the client has
		// not been handed yet, the measure of a slow client.
		data := c.out[0]
		c.out[0] = nil
		c.out = c.out[1:]
		c.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		err := c.conn.Write(ctx, websocket.MessageText, data)
		timedOut := ctx.Err() != nil
		cancel()
		switch {
		case err != nil && timedOut:
			// The client stopped reading until its TCP buffers filled: too
			// slow, like a full queue, but no close frame can reach it now
			// (the library has dropped the connection); it sees the socket
			// end and reconnects with since.
			c.abort(closeTooSlow, "client too slow: a write did not complete in time")
		case err != nil:
			c.kick(websocket.StatusAbnormalClosure, "write failed")
		}
	}
}
