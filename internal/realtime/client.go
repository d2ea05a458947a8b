package realtime

import (
	"context"
	"sync"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Close codes a client can act on: reconnect, sign in again, or slow down.
const (
	closeGoingAway = websocket.StatusGoingAway
	closeRevoked   = websocket.StatusCode(4001) // the session ended: signed in elsewhere or logged out
	closeTooSlow   = websocket.StatusCode(4008) // the client could not keep up
)

// client is one connected socket.
type client struct {
	agentID   desk.ID
	sessionID desk.ID
	allQueues bool
	send      chan []byte

	mu     sync.Mutex
	queues map[desk.ID]bool
	subs   map[desk.ID]bool // conversations watched for typing

	once   sync.Once
	done   chan struct{}
	code   websocket.StatusCode
	reason string
}

func newClient(a *desk.Agent, actor *desk.Actor, sessionID desk.ID, buffer int) *client {
	c := &client{agentID: a.ID, sessionID: sessionID, allQueues: actor.SeesAllQueues(), send: make(chan []byte, buffer),
		subs: map[desk.ID]bool{}, done: make(chan struct{})}
	c.setQueues(a.QueueIDs)
	return c
}

func (c *client) setQueues(ids []desk.ID) {
	m := make(map[desk.ID]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	c.mu.Lock()
	c.queues = m
	c.mu.Unlock()
}

// reloadQueues refreshes the agent's queues after a membership change.
func (c *client) reloadQueues(s hubStore) {
	a, err := s.FindAgentByID(desk.NewContextWithActor(context.Background(), desk.SystemActor), c.agentID)
	if err == nil {
		c.setQueues(a.QueueIDs)
	}
}

// sees applies the queue access of the REST API (J2) to an event: agents
// see their queues' conversations and what concerns them; presence and
// configuration changes are for everyone.
func (c *client) sees(ch desk.Change) bool {
	if c.allQueues || ch.AgentID == c.agentID || ch.FreedAgentID == c.agentID {
		return true
	}
	if ch.ConversationID == 0 && ch.QueueID == 0 {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queues[ch.QueueID]
}

func (c *client) subscribed(conv desk.ID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subs[conv]
}

func (c *client) subscribe(conv desk.ID, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on {
		c.subs[conv] = true
	} else {
		delete(c.subs, conv)
	}
}

// push queues a frame without waiting; a full queue means the client
// cannot keep up, and it is dropped rather than stall the hub.
func (c *client) push(data []byte) {
	select {
	case <-c.done:
	case c.send <- data:
	default:
		c.kick(closeTooSlow, "client too slow: events were not read in time")
	}
}

// kick ends the connection with a reason; the first reason stands.
func (c *client) kick(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		c.code, c.reason = code, reason
		close(c.done)
	})
}
