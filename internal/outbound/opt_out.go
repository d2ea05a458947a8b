package outbound

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// OptOuts is the store's view of contacts that asked not to be sent to.
type OptOuts interface {
	// FindOptOut returns a contact's opt-out; ENOTFOUND when it has none.
	FindOptOut(ctx context.Context, channel, address string) (*desk.OptOut, error)
}

// CheckOptOut refuses a message to a contact that opted out of the
// channel (SMS STOP or a carrier's opt-out error, Viber unsubscribed)
// before anything is stored or sent: EINVALID contact_opted_out on "to",
// with the reason and since when.
func (s *Service) CheckOptOut(ctx context.Context, channel, address string) error {
	if address == "" {
		return nil
	}
	o, err := s.Store.FindOptOut(desk.NewContextWithActor(ctx, desk.SystemActor), channel, address)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	return optedOut(channel, o)
}

// optedOut is the refusal of a message to a contact that opted out.
func optedOut(channel string, o *desk.OptOut) error {
	return &desk.Error{Kind: desk.EINVALID, Code: "contact_opted_out", Field: "to",
		Message: "the customer opted out of " + channel + " messages (" + o.Reason + "): nothing can be sent to " + o.Address + " until they opt back in",
		Detail:  map[string]any{"reason": o.Reason, "since": o.CreatedAt}}
}

// recordOptOut keeps the opt-out a provider reported when it refused a
// send (Twilio 21610, Viber notSubscribed): later replies are refused
// before they reach it.
func (w *Worker) recordOptOut(sys context.Context, j *desk.SendJob, reason string) {
	if j.Message.Channel == "" || j.Message.To == "" {
		return
	}
	if err := w.store.SetOptOut(sys, j.Message.Channel, j.Message.To, true, reason); err != nil {
		w.log.Warn("could not record an opt-out", "message_id", j.MessageID.String(), "error", err)
	}
}
