package call

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// dtmfKeys are the keys an agent may send: 1-32 of 0-9, *, #, A-D.
var dtmfKeys = regexp.MustCompile(`^[0-9*#A-Da-d]{1,32}$`)

// ErrNoDTMF is what Media.SendDTMF returns when the customer's leg takes
// no key presses (a browser, or a SIP party without telephone-event); any
// error with a NoDTMF() bool method that returns true counts the same
// (the media hub's).
var ErrNoDTMF = errors.New("call: the customer's line takes no key presses")

// isNoDTMF reports whether err says the customer takes no keys.
func isNoDTMF(err error) bool {
	var marked interface{ NoDTMF() bool }
	return errors.Is(err, ErrNoDTMF) || (errors.As(err, &marked) && marked.NoDTMF())
}

// DTMF sends the agent's key presses to the customer (an IVR or voicemail
// on the SIP trunk) while the call is in progress. The keys are not
// logged nor put on the timeline: they may be a PIN.
func (s *Service) DTMF(ctx context.Context, id string, agent desk.ID, digits string) (*Call, error) {
	if !dtmfKeys.MatchString(digits) {
		return nil, desk.FieldErrorf("digits", "digits must be 1 to 32 of 0-9, *, # and A-D")
	}
	return s.do(ctx, id, func(c *Call, now time.Time) ([]Effect, error) {
		if err := c.mine(agent, InCall); err != nil {
			return nil, err
		}
		if s.media == nil {
			return nil, noDTMF()
		}
		if err := s.media.SendDTMF(c.ID, digits); err != nil {
			if isNoDTMF(err) {
				return nil, noDTMF()
			}
			return nil, err
		}
		return nil, nil
	})
}

func noDTMF() error {
	return &desk.Error{Kind: desk.ECONFLICT, Code: "dtmf_unsupported",
		Message: "the customer's line takes no key presses (only phone calls over the SIP trunk with telephone-event do)"}
}
