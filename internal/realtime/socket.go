package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// maxClientMessage bounds what a client may send in one frame: a
// call.offer carries an SDP offer with its ICE candidates.
const maxClientMessage = 32 << 10

// touchEvery is how often client activity is written as the agent's
// heartbeat (A5); the store ignores more frequent touches anyway.
const touchEvery = 15 * time.Second

// clientMessage is what a client sends: ping (activity), subscribe and
// unsubscribe (typing indicators of an open conversation), typing,
// call.offer (a call leg's SDP, see call.go) and wallboard.subscribe /
// wallboard.unsubscribe (wallboard.go).
type clientMessage struct {
	Type           string  `json:"type"`
	ConversationID desk.ID `json:"conversation_id"`
}

// Serve upgrades an authenticated request to the live feed. ?since=SEQ asks
// for the events after SEQ first (or a refetch notice). The caller has
// authenticated the request; actor and sessionID come from that.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, actor *desk.Actor, sessionID desk.ID) error {
	var since uint64
	catchUp := false
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return desk.FieldErrorf("since", "since must be an event sequence number")
		}
		since, catchUp = n, true
	}
	// A fresh context: the request's would keep the request alive as long
	// as the socket.
	ctx := withCredentials(desk.NewContextWithActor(context.Background(), actor), r)
	agent, err := h.store.FindAgentByID(ctx, actor.AgentID)
	if err != nil {
		return err
	}
	// One session may hold only so many sockets (a leaked token cannot
	// open thousands).
	if !h.perSess.take(sessionID, h.cfg.MaxPerSession) {
		return errTooManySockets()
	}
	// Same-origin only (the library checks Origin against Host), which
	// stops other sites from riding a session cookie.
	conn, err := websocket.Accept(smallBuffers{w}, r, nil)
	if err != nil {
		h.perSess.give(sessionID)
		return nil // Accept has answered the request
	}
	conn.SetReadLimit(maxClientMessage)
	c := newClient(conn, agent, actor, sessionID, &h.cfg, h.log, h.metrics)
	if !h.join(c, since, catchUp) {
		h.perSess.give(sessionID)
		conn.Close(closeGoingAway, "server shutting down")
		return nil
	}
	_ = h.store.TouchAgent(ctx, actor.AgentID)
	// The reader gets a fresh goroutine and the request's goroutine, whose
	// stack grew deep in the HTTP stack, ends (the connection is hijacked,
	// so net/http lets go of it). Writers start only while frames wait.
	go func() {
		defer h.perSess.give(sessionID)
		defer h.leave(c)
		h.readLoop(ctx, conn, c, actor)
	}()
	return nil
}

// readLoop handles client messages until the socket closes.
//
// Activity (A5): every message the client sends counts, the explicit
// {"type":"ping"} heartbeat included; protocol-level pongs do not. A pong
// is answered by the browser's network stack even when the workspace is
// hung or crashed, so it proves a connection, not a working client: a
// socket that only answers pings is kept open but its agent goes Offline
// after InactivityTimeout, which is what A5 asks ("no work is assigned to
// a ghost"). The web client sends its heartbeat from a worker timer, which
// keeps running in a background tab (A7: backgrounding is no logout).
func (h *Hub) readLoop(ctx context.Context, conn *websocket.Conn, c *client, actor *desk.Actor) {
	var touched time.Time
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				c.kick(websocket.StatusNormalClosure, "closed by client")
			} else {
				c.kick(websocket.StatusAbnormalClosure, "read failed")
			}
			return
		}
		if time.Since(touched) > touchEvery {
			touched = time.Now()
			_ = h.store.TouchAgent(ctx, actor.AgentID)
		}
		var m clientMessage
		if json.Unmarshal(data, &m) != nil {
			c.push(mustJSON(errorOf("bad_message", "messages are JSON objects with a type")))
			continue
		}
		switch m.Type {
		case desk.FramePing:
			c.push(pongFrame)
		case desk.FrameSubscribe, desk.FrameTyping:
			// Only conversations the agent may see (J2).
			if _, err := h.store.FindConversationByID(ctx, m.ConversationID); err != nil {
				e := errorOf("not_found", "conversation not found")
				e.ConversationID = m.ConversationID
				c.push(mustJSON(e))
				continue
			}
			if m.Type == desk.FrameSubscribe {
				if !h.subscribe(c, m.ConversationID, true) {
					e := errorOf("too_many_subscriptions", "unsubscribe from conversations first")
					e.ConversationID = m.ConversationID
					c.push(mustJSON(e))
				}
			} else {
				h.bus.Signal(bus.Signal{Type: bus.SignalTyping, ConversationID: m.ConversationID, AgentID: actor.AgentID, AgentName: actor.Name})
			}
		case desk.FrameUnsubscribe:
			h.subscribe(c, m.ConversationID, false)
		case desk.FrameWallboardSubscribe, desk.FrameWallboardUnsubscribe:
			if !h.watchWallboard(c, m.Type == desk.FrameWallboardSubscribe) {
				c.push(mustJSON(errorOf("forbidden", "the wallboard is for supervisors and admins")))
			}
		case desk.FrameCallOffer:
			h.handleCallOffer(ctx, c, actor, data)
		default:
			c.push(mustJSON(errorOf("unknown_type", "unknown message type "+strconv.Quote(m.Type))))
		}
	}
}
