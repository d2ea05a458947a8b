package realtime

import (
	"log/slog"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/socket"
)

// Close codes a client can act on: reconnect, sign in again, or slow down.
const (
	closeGoingAway = websocket.StatusGoingAway
	closeRevoked   = websocket.StatusCode(4001) // the session ended: signed in elsewhere or logged out
	closeTooSlow   = socket.CloseTooSlow        // the client could not keep up
)

// client is one connected socket. It costs one goroutine (the reader) while
// idle: its frames wait in a socket.Writer, whose writer runs only while
// there is something to send (issue 4: memory per socket), under the one
// slow-client policy (package socket).
type client struct {
	agentID   desk.ID
	sessionID desk.ID
	allQueues bool
	conn      *websocket.Conn
	w         *socket.Writer
	metrics   *metrics

	// Guarded by the hub's lock: the queues the agent belongs to (what it
	// may see, J2) and the last event sent, so an event reaching a client
	// by several index entries is sent once.
	queues []desk.ID
	mark   uint64
	subs   map[desk.ID]bool // conversations watched for typing; nil while none
}

func newClient(conn *websocket.Conn, a *desk.Agent, actor *desk.Actor, sessionID desk.ID, cfg *Config, log *slog.Logger, m *metrics) *client {
	c := &client{agentID: a.ID, sessionID: sessionID, allQueues: actor.SeesAllQueues(), conn: conn,
		metrics: m, queues: a.QueueIDs}
	c.w = socket.New(conn, socket.Config{Limit: cfg.Buffer, WriteTimeout: cfg.WriteTimeout,
		Closed: func(code websocket.StatusCode, reason string) {
			m.disconnects.WithLabelValues(reasonLabel(code)).Inc()
			if code == closeTooSlow || code == closeRevoked || code == closeGoingAway {
				log.Info("realtime: disconnecting client", "agent", a.ID, "reason", reason)
			}
		}})
	return c
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

// enqueue adds a frame. Unbounded is for the catch-up of a joining client,
// which may exceed the live limit.
func (c *client) enqueue(data []byte, bounded bool) {
	ok := false
	if bounded {
		ok = c.w.Push(data)
	} else {
		ok = c.w.PushUnbounded(data)
	}
	if ok {
		c.metrics.frames.Inc()
	}
}

// kick ends the connection with a reason; the first reason stands.
func (c *client) kick(code websocket.StatusCode, reason string) { c.w.Kick(code, reason) }

// kicked reports the close code, zero while the client is connected.
func (c *client) kicked() websocket.StatusCode { return c.w.Kicked() }
