package desk

import (
	"context"
	"time"
)

// SessionWindowService answers D6: a channel with a customer-care window
// (WhatsApp's 24 hours, see Capabilities.SessionWindowHours) accepts free
// messages only while the contact's last message on that channel is
// recent enough. The window is the contact's on the channel — not the
// customer's on any channel, nor one conversation's.
type SessionWindowService interface {
	// LastInboundAt returns when the contact address last wrote on the
	// channel, in any conversation; nil if never (or the channel has no
	// window, where it is not recorded). Any signed-in actor: it reveals
	// only a time.
	LastInboundAt(ctx context.Context, channel, address string) (*time.Time, error)
}

// SessionOpen reports whether a message other than a registered template
// may go to a contact on a channel whose last inbound message was at last.
func SessionOpen(caps Capabilities, last *time.Time, now time.Time) bool {
	if caps.SessionWindowHours == 0 {
		return true
	}
	return last != nil && now.Sub(*last) <= time.Duration(caps.SessionWindowHours)*time.Hour
}

// SessionEnds returns when the window closes, nil without one or a message.
func SessionEnds(caps Capabilities, last *time.Time) *time.Time {
	if caps.SessionWindowHours == 0 || last == nil {
		return nil
	}
	t := last.Add(time.Duration(caps.SessionWindowHours) * time.Hour)
	return &t
}
