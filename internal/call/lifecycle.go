// Package call is the voice call lifecycle (I1–I5): a state machine per call
// (ringing → in a call ⇄ on hold → ended), wrap-up per agent, routing of
// inbound calls to agents, and the effects on presence (A3) and the
// conversation's timeline (C11). It is pure Go over narrow interfaces; the
// media (internal/media) and the HTTP layer plug into it.
package call

import (
	"errors"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// State is where a call is in its lifecycle (I1).
type State string

// Call states.
const (
	Queued  State = "queued"  // inbound, waiting for an agent to ring
	Ringing State = "ringing" // an agent's phone rings
	Dialing State = "dialing" // outbound: the customer's phone rings
	InCall  State = "in_call"
	OnHold  State = "on_hold"
	Ended   State = "ended"
)

// ErrState is returned for a transition the call's state does not allow;
// ErrNotYours when the agent is not the call's agent.
var (
	ErrState    = errors.New("call: not allowed in this state")
	ErrNotYours = errors.New("call: not this agent's call")
)

// Effect is what a transition asks of the world: a timeline event (Data
// set) and/or an agent's call state on presence (Presence true; "" clears).
type Effect struct {
	Data      map[string]any
	Presence  bool
	AgentID   desk.ID
	CallState string
}

func event(c *Call, action string, kv ...any) Effect {
	d := map[string]any{"action": action, "call_id": c.ID}
	for i := 0; i+1 < len(kv); i += 2 {
		d[kv[i].(string)] = kv[i+1]
	}
	return Effect{Data: d}
}

func presence(agent desk.ID, state string) Effect {
	return Effect{Presence: true, AgentID: agent, CallState: state}
}

// Call is one call's state machine. Methods take the time so tests control
// it; none blocks or does I/O. The Service serializes access.
type Call struct {
	ID             string
	ConversationID desk.ID
	QueueID        desk.ID
	Direction      string
	// AgentID is the agent ringing or talking; 0 while queued.
	AgentID desk.ID
	// ReturnTo is the agent who blind-transferred the call, while the
	// transfer rings: a failed transfer returns the call to them (I3).
	ReturnTo desk.ID
	// Prefer is the agent rung first when eligible (the conversation's
	// assignee).
	Prefer desk.ID
	// Tried are the agents already rung for this routing round.
	Tried []desk.ID
	State State

	CreatedAt    time.Time
	RingingSince time.Time
	AnsweredAt   time.Time
	EndedAt      time.Time
	holdSince    time.Time
	// Held is the total time on hold so far (I2).
	Held time.Duration
	// RecordingUntil is when recording stopped: the first transfer (I4).
	RecordingUntil time.Time
	// Recording is the recording's file, once the media started one.
	Recording string
	// External is the E.164 number the call was transferred to (I3).
	External string
	// Trunk is set when the customer's own leg runs over the SIP trunk
	// (a call from or to a phone number): hanging up sends them BYE.
	Trunk bool
	// Number is the customer's number an outbound call dials.
	Number string
	// TransferFailed is why a blind transfer came back to the agent
	// ringing again (busy, no_answer, ...), for their call view (I3).
	TransferFailed string
}

// HoldTime is the time on hold including a hold still running at now.
func (c *Call) HoldTime(now time.Time) time.Duration {
	if c.State == OnHold {
		return c.Held + now.Sub(c.holdSince)
	}
	return c.Held
}

// Ring makes agent's phone ring for a queued call.
func (c *Call) Ring(agent desk.ID, now time.Time) ([]Effect, error) {
	if c.State != Queued {
		return nil, ErrState
	}
	c.State, c.AgentID, c.RingingSince = Ringing, agent, now
	c.Tried = append(c.Tried, agent)
	return []Effect{presence(agent, desk.CallRinging), event(c, "ringing", "agent_id", agent.String())}, nil
}

// Dial starts an outbound call by agent: the agent is in the call while the
// customer's phone rings.
func (c *Call) Dial(agent desk.ID, now time.Time) ([]Effect, error) {
	if c.State != Queued {
		return nil, ErrState
	}
	c.State, c.AgentID, c.RingingSince, c.Direction = Dialing, agent, now, desk.CallOutbound
	return []Effect{presence(agent, desk.CallInCall), event(c, "dialing", "agent_id", agent.String())}, nil
}

// Answer connects the ringing agent (inbound) or the customer (outbound).
func (c *Call) Answer(agent desk.ID, now time.Time) ([]Effect, error) {
	if c.State != Ringing && c.State != Dialing {
		return nil, ErrState
	}
	if agent != c.AgentID {
		return nil, ErrNotYours
	}
	c.State, c.AnsweredAt, c.ReturnTo, c.Tried, c.TransferFailed = InCall, now, 0, nil, ""
	return []Effect{presence(agent, desk.CallInCall),
		event(c, "answered", "agent_id", agent.String(), "wait_seconds", seconds(now.Sub(c.RingingSince)))}, nil
}

// Miss ends the ringing of the current agent (not answered in time, or
// declined). The call goes back to the transferring agent when a transfer
// failed (I3), else back to the queue for the next agent.
func (c *Call) Miss(reason string, now time.Time) ([]Effect, error) {
	if c.State != Ringing {
		return nil, ErrState
	}
	missed := c.AgentID
	effs := []Effect{presence(missed, ""), event(c, "not_answered", "agent_id", missed.String(), "reason", reason)}
	if back := c.ReturnTo; back != 0 && back != missed {
		c.ReturnTo, c.AgentID, c.RingingSince, c.TransferFailed = 0, back, now, reason
		return append(effs, presence(back, desk.CallRinging),
			event(c, "transfer_failed", "agent_id", back.String(), "reason", reason)), nil
	}
	c.State, c.AgentID = Queued, 0
	return effs, nil
}

// Hold puts the customer on hold (I2): they hear the queue's music.
func (c *Call) Hold(agent desk.ID, now time.Time) ([]Effect, error) {
	if err := c.mine(agent, InCall); err != nil {
		return nil, err
	}
	c.State, c.holdSince = OnHold, now
	return []Effect{presence(agent, desk.CallOnHold), event(c, "hold", "agent_id", agent.String())}, nil
}

// Resume takes the customer off hold; the event carries how long it was.
func (c *Call) Resume(agent desk.ID, now time.Time) ([]Effect, error) {
	if err := c.mine(agent, OnHold); err != nil {
		return nil, err
	}
	held := now.Sub(c.holdSince)
	c.Held += held
	c.State = InCall
	return []Effect{presence(agent, desk.CallInCall), event(c, "resumed", "agent_id", agent.String(),
		"hold_seconds", seconds(held), "total_hold_seconds", seconds(c.Held))}, nil
}

// Transfer blind-transfers the call (I3) to an agent (rings them at once)
// or to a queue (queued there for routing). The transferring agent leaves
// the call, recording stops, and the agent goes to wrap-up (started by the
// Service); a failed transfer rings them again.
func (c *Call) Transfer(agent desk.ID, toAgent, toQueue desk.ID, now time.Time) ([]Effect, error) {
	if c.State != InCall && c.State != OnHold {
		return nil, ErrState
	}
	if agent != c.AgentID {
		return nil, ErrNotYours
	}
	if c.State == OnHold {
		c.Held += now.Sub(c.holdSince)
	}
	if c.RecordingUntil.IsZero() {
		c.RecordingUntil = now
	}
	c.ReturnTo, c.Tried, c.State, c.AgentID = agent, nil, Queued, 0
	ev := event(c, "transferred", "agent_id", agent.String())
	if toQueue != 0 {
		c.QueueID = toQueue
		ev.Data["to_queue_id"] = toQueue.String()
	} else {
		ev.Data["to_agent_id"] = toAgent.String()
	}
	effs := []Effect{ev}
	if toAgent != 0 {
		ring, err := c.Ring(toAgent, now)
		if err != nil {
			return nil, err
		}
		effs = append(effs, ring...)
	}
	return effs, nil
}

// Hangup ends the call, by the customer, the agent or the system. An agent
// who was talking goes to wrap-up (the Service starts it); one whose phone
// was ringing is freed.
func (c *Call) Hangup(by string, now time.Time) ([]Effect, error) {
	if c.State == Ended {
		return nil, ErrState
	}
	prev := c.State
	if prev == OnHold {
		c.Held += now.Sub(c.holdSince)
	}
	c.State, c.EndedAt = Ended, now
	if c.RecordingUntil.IsZero() {
		c.RecordingUntil = now
	}
	var talked time.Duration
	if !c.AnsweredAt.IsZero() {
		talked = now.Sub(c.AnsweredAt)
	}
	effs := []Effect{event(c, "ended", "by", by, "agent_id", c.AgentID.String(),
		"duration_seconds", seconds(talked), "hold_seconds", seconds(c.Held))}
	if prev == Ringing {
		effs = append(effs, presence(c.AgentID, ""))
	}
	return effs, nil
}

// mine checks the agent and state of an in-call action.
func (c *Call) mine(agent desk.ID, want State) error {
	if c.State != want {
		return ErrState
	}
	if agent != c.AgentID {
		return ErrNotYours
	}
	return nil
}

// seconds rounds a duration to milliseconds, as seconds.
func seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}
