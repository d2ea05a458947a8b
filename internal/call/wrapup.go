package call

import (
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ExtendStep is what the "+10 s" button adds to a running wrap-up (I1).
const ExtendStep = 10 * time.Second

// WrapUp is an agent's after-call time (I1): it starts when the agent
// leaves a call (hang-up or transfer), runs for the configured seconds,
// can be extended by ExtendStep, and ends when the agent submits the
// summary or the time runs out; then the agent is Available again.
type WrapUp struct {
	AgentID        desk.ID   `json:"agent_id"`
	CallID         string    `json:"call_id"`
	ConversationID desk.ID   `json:"conversation_id"`
	StartedAt      time.Time `json:"started_at"`
	Until          time.Time `json:"until"`
	Extensions     int       `json:"extensions"`
	Summary        string    `json:"summary"`
}

// startWrapUp begins an agent's wrap-up of c lasting d.
func startWrapUp(c *Call, agent desk.ID, d time.Duration, now time.Time) (*WrapUp, []Effect) {
	w := &WrapUp{AgentID: agent, CallID: c.ID, ConversationID: c.ConversationID, StartedAt: now, Until: now.Add(d)}
	return w, []Effect{presence(agent, desk.CallWrapUp), w.event("wrap_up", "seconds", seconds(d))}
}

// Remaining is the wrap-up time left at now (never negative).
func (w *WrapUp) Remaining(now time.Time) time.Duration {
	return max(w.Until.Sub(now), 0)
}

// Extend adds ExtendStep to the wrap-up.
func (w *WrapUp) Extend(now time.Time) []Effect {
	w.Until = w.Until.Add(ExtendStep)
	w.Extensions++
	return []Effect{w.event("wrap_up_extended", "remaining_seconds", seconds(w.Remaining(now)))}
}

// Finish ends the wrap-up with the agent's summary (empty when the time
// ran out) and frees the agent.
func (w *WrapUp) Finish(summary, reason string, now time.Time) []Effect {
	if summary != "" {
		w.Summary = summary
	}
	return []Effect{presence(w.AgentID, ""), w.event("wrap_up_done", "reason", reason,
		"summary", w.Summary, "wrap_up_seconds", seconds(now.Sub(w.StartedAt)), "extensions", w.Extensions)}
}

func (w *WrapUp) event(action string, kv ...any) Effect {
	d := map[string]any{"action": action, "call_id": w.CallID, "agent_id": w.AgentID.String()}
	for i := 0; i+1 < len(kv); i += 2 {
		d[kv[i].(string)] = kv[i+1]
	}
	return Effect{Data: d}
}
