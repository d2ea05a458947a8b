package realtime

import (
	"context"
	"encoding/json"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// CallOfferFunc answers an agent's SDP offer for a call's audio (answering
// a ringing call, or reconnecting one in progress) with the SDP answer.
type CallOfferFunc func(ctx context.Context, actor *desk.Actor, callID, offer string) (answer string, err error)

// callFrame is the client's call signaling frame:
// {"type":"call.offer","call_id":"...","sdp":"..."}.
type callFrame struct {
	Type   string `json:"type"`
	CallID string `json:"call_id"`
	SDP    string `json:"sdp"`
}

// SetCallOffers installs the handler of call.offer frames, so browser call
// legs negotiate over the workspace socket. Set it before serving.
func (h *Hub) SetCallOffers(fn CallOfferFunc) {
	h.mu.Lock()
	h.callOffers = fn
	h.mu.Unlock()
}

// NotifyAgent pushes a frame (call.ringing, call.ended, ...) to every
// socket of one agent on this node. Calls run on one node, so the frame
// needs no bus; a client that cannot keep up is dropped as for events.
func (h *Hub) NotifyAgent(agentID desk.ID, frame any) {
	data := mustJSON(frame)
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.byAgent[agentID] {
		c.push(data)
	}
}

// handleCallOffer answers a call.offer frame off the read loop (ICE
// gathering takes a moment) and replies with call.answer or an error.
func (h *Hub) handleCallOffer(ctx context.Context, c *client, actor *desk.Actor, data []byte) {
	var f callFrame
	_ = json.Unmarshal(data, &f)
	h.mu.RLock()
	fn := h.callOffers
	h.mu.RUnlock()
	if fn == nil {
		c.push(mustJSON(map[string]any{"type": "error", "code": "not_found", "message": "calls are not enabled", "call_id": f.CallID}))
		return
	}
	go func() {
		answer, err := fn(ctx, actor, f.CallID, f.SDP)
		if err != nil {
			c.push(mustJSON(map[string]any{"type": "error", "code": desk.ErrorCode(err), "message": desk.ErrorMessage(err), "call_id": f.CallID}))
			return
		}
		c.push(mustJSON(map[string]any{"type": "call.answer", "call_id": f.CallID, "sdp": answer}))
	}()
}
