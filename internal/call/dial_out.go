package call

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// ValidNumber checks that number is in E.164 form (+, country code,
// subscriber number), the form the SIP trunk dials.
func ValidNumber(field, number string) error {
	if !e164.MatchString(number) {
		return desk.FieldErrorf(field, "number must be in E.164 form, like +14155550100")
	}
	return nil
}

// HasTrunk reports whether a SIP trunk is configured for dialing.
func (s *Service) HasTrunk() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dialer != nil
}

// DialOut dials the customer's number over the SIP trunk for agent's
// outbound call id, still Dialing (I1): the customer answering connects
// the call, a failed dial (busy, no answer, unreachable) ends it with the
// reason on the timeline, the customer's BYE hangs it up. The agent's
// media should be connected first, so the trunk offers its codec.
func (s *Service) DialOut(ctx context.Context, id string, agent desk.ID, number string) (*Call, error) {
	if err := ValidNumber("number", number); err != nil {
		return nil, err
	}
	var dialer Dialer
	c, err := s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		if s.dialer == nil {
			return nil, &desk.Error{Kind: desk.EINVALID, Code: "no_trunk", Field: "number", Message: "no SIP trunk is configured"}
		}
		if err := c.mine(agent, Dialing); err != nil {
			return nil, err
		}
		if c.Trunk {
			return nil, ErrState // dialed already
		}
		c.Trunk, c.Number, dialer = true, number, s.dialer
		return []Effect{event(c, "dialing_number", "agent_id", agent.String(), "number", number)}, nil
	})
	if err != nil {
		return nil, err
	}
	bg := context.WithoutCancel(ctx)
	dialer.DialCustomer(bg, id, number, ExternalEvents{
		Answered: func() {
			s.external(bg, id, func(c *Call, now time.Time) ([]Effect, error) { return c.Answer(agent, now) })
		},
		Failed: func(reason string) { s.dialFailed(bg, id, reason) },
		Ended:  func() { _, _ = s.Hangup(bg, id, 0, ByCustomer) },
	})
	return c, nil
}

// dialFailed ends an outbound call whose number did not answer; the
// agent wraps up as after any call.
func (s *Service) dialFailed(ctx context.Context, id, reason string) {
	s.mu.Lock()
	c := s.calls[id]
	if c != nil && c.State == Dialing {
		s.apply(ctx, c, []Effect{event(c, "not_answered", "number", c.Number, "reason", reason)})
		c.Trunk = false // the leg never came up: nothing to hang up
	}
	s.mu.Unlock()
	if c != nil {
		_, _ = s.Hangup(ctx, id, 0, BySystem)
	}
}
