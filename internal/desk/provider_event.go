package desk

import (
	"context"
	"time"
)

// MessageReaction is a customer's emoji on a message (WhatsApp,
// Messenger, Instagram reactions), shown on that message.
type MessageReaction struct {
	From      string    `json:"from"`
	Emoji     string    `json:"emoji"`
	CreatedAt time.Time `json:"created_at"`
}

// OptOut is a customer address that asked not to be sent to on a channel
// (SMS STOP or a carrier's opt-out error, Viber unsubscribed).
type OptOut struct {
	Channel   string    `json:"channel"`
	Address   string    `json:"address"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// ProviderEventService applies what providers tell beyond messages and
// per-message receipts (system only, except FindOptOuts).
type ProviderEventService interface {
	// ApplyWatermark moves every outbound message of the channel to the
	// receipt's To address, created at or before r.At, forward to
	// r.State (Messenger's delivery and read watermarks); it returns how
	// many moved.
	ApplyWatermark(ctx context.Context, r *Receipt) (int, error)
	// ApplyReaction sets (or, with an empty emoji, removes) a customer's
	// reaction on the message with the channel and external ID; ENOTFOUND
	// when there is none.
	ApplyReaction(ctx context.Context, r *Reaction) (*Message, error)
	// StoreEcho stores a message our account sent from another tool as
	// outbound in the customer's ongoing conversation (in.From is the
	// customer); idempotent on the external ID (our own sends are
	// recognised); ENOTFOUND when the customer has no conversation.
	StoreEcho(ctx context.Context, in *InboundMessage) (*Message, error)
	// SetOptOut records (optedOut) or clears a contact's opt-out.
	SetOptOut(ctx context.Context, channel, address string, optedOut bool, reason string) error
	// FindOptOut returns a contact's opt-out; ENOTFOUND when it has none.
	FindOptOut(ctx context.Context, channel, address string) (*OptOut, error)
	// ChangeContactAddress moves a customer's contact to a new address
	// (WhatsApp's user_changed_number), with their open conversations on
	// that channel; ENOTFOUND when nobody owns the old one, ECONFLICT when
	// another customer owns the new one.
	ChangeContactAddress(ctx context.Context, channel, oldAddress, newAddress string) error
}
