package call

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Hangup reasons (the "by" of an ended event).
const (
	ByCustomer = "customer"
	ByAgent    = "agent"
	BySystem   = "system"
	ByExternal = "external" // the external party of a transfer
)

// do runs one agent action on a live call under the lock and applies its
// effects.
func (s *Service) do(ctx context.Context, id string, fn func(c *Call, now time.Time) ([]Effect, error)) (*Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[id]
	if c == nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	effs, err := fn(c, s.cfg.Clock.Now())
	if err != nil {
		return nil, stateError(err)
	}
	s.apply(ctx, c, effs)
	return c.snapshot(), nil
}

// Answer connects the ringing agent (inbound), or marks the customer as
// connected on an outbound call (agent is the calling agent).
func (s *Service) Answer(ctx context.Context, id string, agent desk.ID) (*Call, error) {
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		return c.Answer(agent, now)
	})
}

// Decline refuses a ringing call; it goes to the next agent at once.
func (s *Service) Decline(ctx context.Context, id string, agent desk.ID) (*Call, error) {
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		if c.State != Ringing || c.AgentID != agent {
			return nil, ErrNotYours
		}
		effs, err := c.Miss("declined", now)
		if err == nil {
			s.apply(ctx, c, effs)
			s.route(ctx, c, now)
		}
		return nil, err
	})
}

// Hold puts the customer on hold with the queue's music (I2).
func (s *Service) Hold(ctx context.Context, id string, agent desk.ID) (*Call, error) {
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		effs, err := c.Hold(agent, now)
		if err == nil && s.media != nil {
			s.media.Hold(c.ID, true)
		}
		return effs, err
	})
}

// Resume takes the customer off hold.
func (s *Service) Resume(ctx context.Context, id string, agent desk.ID) (*Call, error) {
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		effs, err := c.Resume(agent, now)
		if err == nil && s.media != nil {
			s.media.Hold(c.ID, false)
		}
		return effs, err
	})
}

// Transfer blind-transfers a call (I3) to an available agent of the call's
// queue or to a queue with automatic assignment. The agent leaves the call
// and wraps up; recording stops (I4). Returns EINVALID when the target
// cannot take the call now.
func (s *Service) Transfer(ctx context.Context, id string, agent, toAgent, toQueue desk.ID) (*Call, error) {
	if (toAgent == 0) == (toQueue == 0) {
		return nil, desk.FieldErrorf("agent_id", "give exactly one of agent_id and queue_id")
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		if err := s.checkTarget(sys, c, toAgent, toQueue); err != nil {
			return nil, err
		}
		effs, err := c.Transfer(agent, toAgent, toQueue, now)
		if err != nil {
			return nil, err
		}
		if s.media != nil {
			s.media.DropAgent(c.ID) // the customer hears music until someone answers
		}
		w, wEffs := startWrapUp(c, agent, s.cfg.WrapUp, now)
		s.wrapups[agent] = w
		effs = append(effs, wEffs...)
		s.apply(ctx, c, effs)
		s.route(ctx, c, now)
		return nil, nil
	})
}

// checkTarget refuses a transfer target that cannot take the call: an agent
// outside the queue or not available, a queue without automatic assignment.
func (s *Service) checkTarget(ctx context.Context, c *Call, toAgent, toQueue desk.ID) error {
	if toQueue != 0 {
		q, err := s.store.FindQueueByID(ctx, toQueue)
		if err != nil {
			return err
		}
		if !q.AutoAssign {
			return &desk.Error{Kind: desk.EINVALID, Code: "queue_not_automatic", Field: "queue_id",
				Message: "calls go only to queues with automatic assignment"}
		}
		return nil
	}
	agents, err := s.queueAgents(ctx, c.QueueID)
	if err != nil {
		return err
	}
	for _, a := range agents {
		if a.ID == toAgent {
			if a.ID == c.AgentID || !s.eligible(a) {
				return &desk.Error{Kind: desk.EINVALID, Code: "agent_unavailable", Field: "agent_id", Message: "that agent cannot take a call now"}
			}
			return nil
		}
	}
	return &desk.Error{Kind: desk.EINVALID, Code: "agent_not_in_queue", Field: "agent_id", Message: "that agent is not in the call's queue"}
}

// Hangup ends a call. agent is the hanging-up agent, or 0 for the customer
// or the system (by says which). A talking agent goes to wrap-up.
func (s *Service) Hangup(ctx context.Context, id string, agent desk.ID, by string) (*Call, error) {
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		if agent != 0 && agent != c.AgentID {
			return nil, ErrNotYours
		}
		talking := c.State == InCall || c.State == OnHold || c.State == Dialing
		effs, err := c.Hangup(by, now)
		if err != nil {
			return nil, err
		}
		if s.media != nil {
			s.media.End(c.ID)
		}
		if (c.External != "" || c.Trunk) && s.dialer != nil {
			s.dialer.Hangup(c.ID)
		}
		if talking && c.AgentID != 0 {
			w, wEffs := startWrapUp(c, c.AgentID, s.cfg.WrapUp, now)
			s.wrapups[c.AgentID] = w
			effs = append(effs, wEffs...)
		}
		return effs, nil
	})
}

// ExtendWrapUp adds ten seconds to agent's wrap-up.
func (s *Service) ExtendWrapUp(ctx context.Context, agent desk.ID) (*WrapUp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wrapups[agent]
	if w == nil {
		return nil, desk.Errorf(desk.ECONFLICT, "no wrap-up is running")
	}
	s.applyTo(ctx, w.ConversationID, w.Extend(s.cfg.Clock.Now()))
	cp := *w
	return &cp, nil
}

// FinishWrapUp ends agent's wrap-up with a summary; the agent is Available
// for calls again.
func (s *Service) FinishWrapUp(ctx context.Context, agent desk.ID, summary string) (*WrapUp, error) {
	if len(summary) > 10000 {
		return nil, desk.FieldErrorf("summary", "summary is longer than 10000 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wrapups[agent]
	if w == nil {
		return nil, desk.Errorf(desk.ECONFLICT, "no wrap-up is running")
	}
	delete(s.wrapups, agent)
	s.applyTo(ctx, w.ConversationID, w.Finish(summary, "submitted", s.cfg.Clock.Now()))
	return w, nil
}
