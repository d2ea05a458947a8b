package realtime

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/bus"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CallOfferFunc answers an agent's SDP offer for a call's audio (answering
// a ringing call, or reconnecting one in progress) with the SDP answer.
// creds are the headers that authenticated the socket (Authorization,
// Cookie), so an offer for a call on another node is sent there as the
// same agent's request, which that node checks again (role and queue
// access, a session revoked since).
type CallOfferFunc func(ctx context.Context, actor *desk.Actor, creds http.Header, callID, offer string) (answer string, err error)

// callFrame is the client's call signaling frame:
// {"type":"call.offer","call_id":"...","sdp":"..."}.
type callFrame struct {
	Type   string `json:"type"`
	CallID string `json:"call_id"`
	SDP    string `json:"sdp"`
}

// NotifyAgent pushes a frame (call.ringing, call.ended, ...) to every
// socket of one agent, on this node at once and on the others over the
// bus: a call lives on one node, its agent's workspace may be connected to
// any. A client that cannot keep up is dropped as for events.
func (h *Hub) NotifyAgent(agentID desk.ID, frame any) {
	data := mustJSON(frame)
	h.deliverToAgent(agentID, data)
	if h.bus != nil {
		h.bus.Signal(bus.Signal{Type: bus.SignalCall, AgentID: agentID, Payload: data, Origin: h.node})
	}
}

// deliverToAgent pushes an encoded frame to this node's sockets of agent.
func (h *Hub) deliverToAgent(agentID desk.ID, data []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.byAgent[agentID] {
		c.push(data)
	}
}

// credentialsKey keys the socket's credentials in its context.
type credentialsKey struct{}

// credentials returns the headers that authenticated the socket of ctx.
func credentials(ctx context.Context) http.Header {
	h, _ := ctx.Value(credentialsKey{}).(http.Header)
	return h.Clone()
}

// withCredentials keeps the request's credentials for call offers.
func withCredentials(ctx context.Context, r *http.Request) context.Context {
	h := http.Header{}
	for _, k := range []string{"Authorization", "Cookie"} {
		if v := r.Header.Values(k); len(v) > 0 {
			h[k] = append([]string(nil), v...)
		}
	}
	return context.WithValue(ctx, credentialsKey{}, h)
}

// handleCallOffer answers a call.offer frame off the read loop (ICE
// gathering takes a moment) and replies with call.answer or an error.
func (h *Hub) handleCallOffer(ctx context.Context, c *client, actor *desk.Actor, data []byte) {
	var f callFrame
	_ = json.Unmarshal(data, &f)
	fn := h.cfg.CallOffers
	if fn == nil {
		e := errorOf("not_found", "calls are not enabled")
		e.CallID = f.CallID
		c.push(mustJSON(e))
		return
	}
	go func() {
		answer, err := fn(ctx, actor, credentials(ctx), f.CallID, f.SDP)
		if err != nil {
			e := errorOf(desk.ErrorCode(err), desk.ErrorMessage(err))
			e.CallID = f.CallID
			c.push(mustJSON(e))
			return
		}
		c.push(mustJSON(callAnswerFrame{Type: desk.FrameCallAnswer, CallID: f.CallID, SDP: answer}))
	}()
}
