// Package voice is the Voice channel (K): a number on the SIP trunk,
// configured like any channel (its sender is the number, its queue where
// calls to it go). It carries calls, which the call service handles; it
// sends no messages and takes no webhooks.
package voice

import (
	"context"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Channel is a Voice number.
type Channel struct{ number string }

var _ desk.Channel = (*Channel)(nil)

// New checks the configuration: the sender is the number on the trunk, in
// E.164 (+ and 7 to 15 digits).
func New(cfg *desk.ChannelConfig, _ *http.Client) (desk.Channel, error) {
	n := strings.TrimSpace(cfg.Sender)
	digits := strings.TrimPrefix(n, "+")
	if !strings.HasPrefix(n, "+") || len(digits) < 7 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" || digits[0] == '0' {
		return nil, desk.FieldErrorf("sender", "a Voice channel's sender is its number on the SIP trunk in E.164, e.g. +14155550100")
	}
	return &Channel{number: n}, nil
}

// Kind returns desk.ChannelVoice.
func (c *Channel) Kind() string { return desk.ChannelVoice }

// Capabilities returns Voice's entry of the capability table.
func (c *Channel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(desk.ChannelVoice) }

// Send refuses: a Voice channel carries calls, not messages.
func (c *Channel) Send(context.Context, *desk.OutboundMessage) (*desk.SendResult, error) {
	return nil, &desk.Error{Kind: desk.EINVALID, Code: "type_not_supported", Field: "channel",
		Message: "a Voice channel carries calls: start a call instead"}
}

// HandleWebhook refuses: calls arrive over SIP, not webhooks.
func (c *Channel) HandleWebhook(context.Context, *desk.WebhookRequest) (*desk.WebhookResult, error) {
	return nil, desk.Errorf(desk.ENOTFOUND, "a Voice channel takes no webhooks: calls arrive over the SIP trunk")
}
