package call

import (
	"context"
	"regexp"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ExternalEvents are the outcomes of dialing an external number, reported
// by the Dialer from its own goroutines.
type ExternalEvents struct {
	// Answered: the far side took the call and its audio is bridged.
	Answered func()
	// Failed: busy, no answer, rejected or unreachable (reason says which).
	Failed func(reason string)
	// Ended: the far side hung up after answering.
	Ended func()
}

// Dialer places calls to external numbers over a SIP trunk.
type Dialer interface {
	// Dial calls number for a transfer of the call (the answered number
	// replaces the agent) and reports through ev; it returns at once.
	Dial(ctx context.Context, callID, number string, ev ExternalEvents)
	// DialCustomer calls the customer's number for an agent's outbound
	// call (the answered number is the customer) and reports through ev;
	// it returns at once.
	DialCustomer(ctx context.Context, callID, number string, ev ExternalEvents)
	// Hangup ends every SIP leg of a call still up, if any.
	Hangup(callID string)
}

// e164 is a number in E.164 form: +, country code, subscriber number.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// TransferExternal blind-transfers a call to an E.164 number over the SIP
// trunk (I3): the agent leaves and wraps up, recording stops, the customer
// hears music while the number is dialed. A failed dial rings the agent
// again with the reason.
func (s *Service) TransferExternal(ctx context.Context, id string, agent desk.ID, number string) (*Call, error) {
	if err := ValidNumber("number", number); err != nil {
		return nil, err
	}
	var dialer Dialer
	c, err := s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		if s.dialer == nil {
			return nil, &desk.Error{Kind: desk.EINVALID, Code: "no_trunk", Field: "number", Message: "no SIP trunk is configured"}
		}
		effs, err := c.TransferExternal(agent, number, now)
		if err != nil {
			return nil, err
		}
		if s.media != nil {
			s.media.DropAgent(c.ID)
		}
		w, wEffs := startWrapUp(c, agent, s.cfg.WrapUp, now)
		s.wrapups[agent] = w
		dialer = s.dialer
		return append(effs, wEffs...), nil
	})
	if err != nil {
		return nil, err
	}
	bg := context.WithoutCancel(ctx)
	dialer.Dial(bg, id, number, ExternalEvents{
		Answered: func() {
			s.external(bg, id, func(c *Call, now time.Time) ([]Effect, error) { return c.ExternalAnswered(now) })
		},
		Failed: func(reason string) {
			s.external(bg, id, func(c *Call, now time.Time) ([]Effect, error) { return c.ExternalFailed(reason, now) })
		},
		Ended: func() { _, _ = s.Hangup(bg, id, 0, ByExternal) },
	})
	return c, nil
}

// external applies a dialer outcome; a call that moved on ignores it.
func (s *Service) external(ctx context.Context, id string, fn func(c *Call, now time.Time) ([]Effect, error)) {
	if _, err := s.do(ctx, id, fn); err != nil {
		s.cfg.Log.Info("call: external outcome ignored", "call", id, "err", err)
	}
}

// TransferExternal hands the call to number: no agent, the transferring
// agent kept to return to.
func (c *Call) TransferExternal(agent desk.ID, number string, now time.Time) ([]Effect, error) {
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
	c.ReturnTo, c.AgentID, c.External, c.State, c.RingingSince = agent, 0, number, Dialing, now
	return []Effect{event(c, "transferred", "agent_id", agent.String(), "to_number", number)}, nil
}

// ExternalAnswered connects the external party.
func (c *Call) ExternalAnswered(now time.Time) ([]Effect, error) {
	if c.State != Dialing || c.External == "" {
		return nil, ErrState
	}
	c.State, c.ReturnTo = InCall, 0
	return []Effect{event(c, "answered", "number", c.External, "wait_seconds", seconds(now.Sub(c.RingingSince)))}, nil
}

// ExternalFailed returns the call to the transferring agent, ringing,
// with the reason (busy, no_answer, rejected, unreachable).
func (c *Call) ExternalFailed(reason string, now time.Time) ([]Effect, error) {
	if c.State != Dialing || c.External == "" {
		return nil, ErrState
	}
	number := c.External
	c.External = ""
	if c.ReturnTo == 0 {
		return c.Hangup(BySystem, now)
	}
	c.AgentID, c.ReturnTo, c.State, c.RingingSince, c.TransferFailed = c.ReturnTo, 0, Ringing, now, reason
	return []Effect{presence(c.AgentID, desk.CallRinging),
		event(c, "transfer_failed", "agent_id", c.AgentID.String(), "number", number, "reason", reason)}, nil
}
