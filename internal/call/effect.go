package call

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// apply carries out a transition's effects in order, then saves the call
// record. Failures are logged, not returned: the call has moved on, and a
// lost timeline entry must not strand the customer.
func (s *Service) apply(ctx context.Context, c *Call, effs []Effect) {
	if len(effs) == 0 {
		return
	}
	s.applyTo(ctx, c.ConversationID, effs)
	for _, e := range effs {
		if e.Presence && s.notify != nil && e.CallState == desk.CallRinging {
			s.notify.NotifyAgent(e.AgentID, Frame{Type: desk.FrameCallRinging, Call: c.view()})
		}
	}
	if s.notify != nil && c.State == Ended && c.AgentID != 0 {
		s.notify.NotifyAgent(c.AgentID, Frame{Type: desk.FrameCallEnded, Call: c.view()})
	}
	sys := desk.NewContextWithActor(context.WithoutCancel(ctx), desk.SystemActor)
	if err := s.store.SaveCall(sys, c.record()); err != nil {
		s.cfg.Log.Error("call: saving call", "call", c.ID, "err", err)
	}
}

// applyTo writes timeline events on a conversation and presence changes.
// An agent rung again (a failed transfer returning) leaves wrap-up.
func (s *Service) applyTo(ctx context.Context, conv desk.ID, effs []Effect) {
	sys := desk.NewContextWithActor(context.WithoutCancel(ctx), desk.SystemActor)
	for _, e := range effs {
		if e.Presence {
			if e.CallState == desk.CallRinging {
				delete(s.wrapups, e.AgentID)
			}
			if _, err := s.store.SetCallState(sys, e.AgentID, e.CallState); err != nil {
				s.cfg.Log.Error("call: setting call state", "agent", e.AgentID, "state", e.CallState, "err", err)
			}
		}
		if e.Data != nil {
			if err := s.store.RecordCallEvent(sys, conv, e.Data); err != nil {
				s.cfg.Log.Error("call: recording event", "conversation", conv, "err", err)
			}
		}
	}
}

// Frame is the live feed's frame about an agent's call: call.ringing or
// call.ended (desk.FrameCallRinging, desk.FrameCallEnded), with the call
// as the agent's socket sees it (the OpenAPI document's WsCallFrame).
type Frame struct {
	Type string `json:"type"`
	Call View   `json:"call"`
}

// View is a call as clients see it.
type View struct {
	ID             string  `json:"id"`
	ConversationID desk.ID `json:"conversation_id"`
	QueueID        desk.ID `json:"queue_id"`
	Direction      string  `json:"direction"`
	State          State   `json:"state"`
	AgentID        desk.ID `json:"agent_id"`
	HoldSeconds    float64 `json:"hold_seconds"`
	// TransferFailed is why a transfer came back to this agent, if it did.
	TransferFailed string `json:"transfer_failed,omitempty"`
	// Number is the number an outbound call dials.
	Number string `json:"number,omitempty"`
	// DTMF says whether the agent's keys can reach the customer (a SIP
	// party that negotiated telephone-event; never a browser on a call
	// link): the call dock shows its keypad only then, rather than let
	// every key end in a 409 dtmf_unsupported.
	DTMF bool `json:"dtmf"`
}

func (c *Call) view() View {
	return View{ID: c.ID, ConversationID: c.ConversationID, QueueID: c.QueueID, Direction: c.Direction,
		State: c.State, AgentID: c.AgentID, HoldSeconds: seconds(c.Held), TransferFailed: c.TransferFailed, Number: c.Number}
}

// View returns the call as clients see it, hold time counted up to now.
func (s *Service) View(c *Call) View {
	v := c.view()
	v.HoldSeconds = seconds(c.HoldTime(s.cfg.Clock.Now()))
	s.mu.Lock()
	m := s.media
	s.mu.Unlock()
	v.DTMF = m != nil && (c.State == InCall || c.State == OnHold) && m.TakesDTMF(c.ID)
	return v
}

// record is the stored form of the call.
func (c *Call) record() *desk.CallRecord {
	r := &desk.CallRecord{ID: c.ID, ConversationID: c.ConversationID, Direction: c.Direction, State: string(c.State),
		QueueID: c.QueueID, CreatedAt: c.CreatedAt, HoldSeconds: seconds(c.Held), Recording: c.Recording}
	if c.AgentID != 0 {
		id := c.AgentID
		r.AgentID = &id
	}
	if !c.AnsweredAt.IsZero() {
		t := c.AnsweredAt
		r.AnsweredAt = &t
	}
	if !c.EndedAt.IsZero() {
		t := c.EndedAt
		r.EndedAt = &t
	}
	return r
}
