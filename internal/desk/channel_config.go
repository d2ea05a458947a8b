package desk

import (
	"context"
	"strings"
	"time"
)

// ChannelConfig is one configured channel account (K): a WhatsApp number, a
// Twilio SMS number, a Viber bot, a Facebook page, ... managed by admins
// (A1). Provider names the adapter and wire format speaking for it; Secrets
// (app secrets, auth tokens, access tokens) are never logged and never
// returned in full (see MaskedSecrets).
type ChannelConfig struct {
	ID       ID     `json:"id"`
	Kind     string `json:"kind"`     // one of the Channel* constants
	Provider string `json:"provider"` // whatsapp, twilio, viber, messenger, instagram, signed
	Name     string `json:"name"`
	// Sender is our address on the channel (phone number, page ID, bot
	// name): inbound messages are received on it and replies sent from it.
	Sender string `json:"sender"`
	// QueueID is where new conversations from this channel go; nil leaves it
	// to routing (B2) and the Default queue.
	QueueID *ID `json:"queue_id"`
	// Settings are the adapter's plain settings, e.g. base_url,
	// phone_number_id, account_sid.
	Settings map[string]string `json:"settings"`
	// Secrets are the adapter's credentials; kept out of JSON.
	Secrets   map[string]string `json:"-"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// Validate checks and normalizes a channel's fields.
func (c *ChannelConfig) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	c.Sender = strings.TrimSpace(c.Sender)
	if !ValidChannel(c.Kind) || c.Kind == ChannelInternal || c.Kind == ChannelAPI {
		return FieldErrorf("kind", "unknown channel kind %q", c.Kind)
	} else if c.Provider == "" {
		return FieldErrorf("provider", "provider is required")
	} else if c.Name == "" {
		return FieldErrorf("name", "name is required")
	} else if len(c.Name) > 200 {
		return FieldErrorf("name", "name is longer than 200 characters")
	} else if len(c.Sender) > 320 {
		return FieldErrorf("sender", "sender is longer than 320 characters")
	}
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	if c.Secrets == nil {
		c.Secrets = map[string]string{}
	}
	for k, v := range c.Settings {
		if len(k) > 100 || len(v) > 4096 {
			return FieldErrorf("settings", "setting %q is too long", k)
		}
	}
	for k, v := range c.Secrets {
		if len(k) > 100 || len(v) > 4096 {
			return FieldErrorf("secrets", "secret %q is too long", k)
		}
	}
	return nil
}

// MaskedSecrets returns the secrets with their values masked: the last four
// characters of long values, nothing of short ones, so an admin can tell
// which credential is configured without reading it.
func (c *ChannelConfig) MaskedSecrets() map[string]string {
	out := make(map[string]string, len(c.Secrets))
	for k, v := range c.Secrets {
		if len(v) >= 16 {
			out[k] = "****" + v[len(v)-4:]
		} else {
			out[k] = "****"
		}
	}
	return out
}

// Setting returns a plain setting or def when it is unset.
func (c *ChannelConfig) Setting(key, def string) string {
	if v := c.Settings[key]; v != "" {
		return v
	}
	return def
}

// ChannelUpdate changes a channel; nil fields are left alone. Secrets are
// merged key by key: an empty value removes the key.
type ChannelUpdate struct {
	Name     *string            `json:"name"`
	Sender   *string            `json:"sender"`
	QueueID  *ID                `json:"queue_id"`
	Settings *map[string]string `json:"settings"`
	Secrets  map[string]string  `json:"secrets"`
}

// Apply applies the update to c.
func (u *ChannelUpdate) Apply(c *ChannelConfig) {
	if u.Name != nil {
		c.Name = *u.Name
	}
	if u.Sender != nil {
		c.Sender = *u.Sender
	}
	if u.QueueID != nil {
		q := *u.QueueID
		c.QueueID = &q
	}
	if u.Settings != nil {
		c.Settings = *u.Settings
	}
	if c.Secrets == nil {
		c.Secrets = map[string]string{}
	}
	for k, v := range u.Secrets {
		if v == "" {
			delete(c.Secrets, k)
		} else {
			c.Secrets[k] = v
		}
	}
}

// ChannelService stores channel configurations. Admins manage them; the
// server's own work (webhooks, sending) reads them as the system actor.
type ChannelService interface {
	// CreateChannel stores a channel (admin only).
	CreateChannel(ctx context.Context, c *ChannelConfig) error
	// FindChannelByID returns ENOTFOUND if unknown (admin or system).
	FindChannelByID(ctx context.Context, id ID) (*ChannelConfig, error)
	// FindChannelBySender returns the channel of a kind that sends from the
	// address, else the oldest channel of that kind, else ENOTFOUND
	// (system only).
	FindChannelBySender(ctx context.Context, kind, sender string) (*ChannelConfig, error)
	// FindChannels lists every channel by ID (admin only).
	FindChannels(ctx context.Context) ([]*ChannelConfig, error)
	// FindChannelSummaries lists every channel by ID without its settings
	// and secrets, for any signed-in agent: what the workspace can send on
	// (channel pickers, the composer's "cannot send" notice).
	FindChannelSummaries(ctx context.Context) ([]*ChannelConfig, error)
	// UpdateChannel changes a channel (admin only).
	UpdateChannel(ctx context.Context, id ID, upd ChannelUpdate) (*ChannelConfig, error)
	// DeleteChannel removes a channel (admin only); its pending sends fail.
	DeleteChannel(ctx context.Context, id ID) error
}
