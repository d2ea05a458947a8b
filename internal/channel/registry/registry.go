// Package registry knows every channel adapter: it builds the desk.Channel
// of a configured channel by its provider. It is the one place that imports
// the adapters (which never import each other).
package registry

import (
	"net/http"
	"sort"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/email"
	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
	"github.com/switchboard-cc/switchboard/internal/channel/messenger"
	"github.com/switchboard-cc/switchboard/internal/channel/signed"
	"github.com/switchboard-cc/switchboard/internal/channel/twilio"
	"github.com/switchboard-cc/switchboard/internal/channel/viber"
	"github.com/switchboard-cc/switchboard/internal/channel/voice"
	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/trace"
)

// Factory builds an adapter from its configuration, or returns an EINVALID
// error naming what the configuration lacks.
type Factory func(cfg *desk.ChannelConfig, client *http.Client) (desk.Channel, error)

// Registry maps provider names to adapter factories.
type Registry struct {
	factories map[string]Factory
	kinds     map[string][]string // provider → the channel kinds it serves
	client    *http.Client
	liveChat  *livechat.Hub
}

// New returns a registry of every adapter sharing one HTTP client. The
// server passes an internal/safehttp client (provider base URLs are set by
// admins: SSRF); nil is an unguarded client with a 15 s timeout and a
// connection pool sized for the outbox, for tests against local fakes.
// Live Chat adapters use liveChat, the hub of this node's visitors; nil
// is a hub of the registry's own, alone on its node (tests).
func New(client *http.Client, liveChat *livechat.Hub) *Registry {
	if client == nil {
		// Each provider call is a client span, its traceparent sent along.
		client = &http.Client{Timeout: 15 * time.Second, Transport: trace.Transport(&http.Transport{
			MaxIdleConns: 256, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second,
		})}
	}
	if liveChat == nil {
		liveChat = livechat.NewHub(livechat.HubConfig{})
	}
	r := &Registry{factories: map[string]Factory{}, kinds: map[string][]string{}, client: client, liveChat: liveChat}
	r.Register("whatsapp", whatsapp.New, desk.ChannelWhatsApp)
	r.Register("twilio", twilio.New, desk.ChannelSMS)
	r.Register("viber", viber.New, desk.ChannelViber)
	r.Register("messenger", messenger.New, desk.ChannelMessenger)
	r.Register("instagram", messenger.New, desk.ChannelInstagram)
	r.Register("smtp", email.New, desk.ChannelEmail)
	r.Register("sip", voice.New, desk.ChannelVoice)
	// Live Chat adapters share one hub: the visitors' sockets of this node.
	r.Register("livechat", r.liveChat.Factory(), desk.ChannelLiveChat)
	r.Register("signed", signed.New, desk.ChannelApple, desk.ChannelGoogle, desk.ChannelKakao, desk.ChannelLiveChat)
	return r
}

// Register adds a provider serving the given channel kinds.
func (r *Registry) Register(provider string, f Factory, kinds ...string) {
	r.factories[provider] = f
	r.kinds[provider] = kinds
}

// Providers lists the provider names.
func (r *Registry) Providers() []string {
	out := make([]string, 0, len(r.factories))
	for p := range r.factories {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// DefaultProvider returns the provider of a kind when the admin names none:
// the first registered provider serving only that kind, else any serving it.
func (r *Registry) DefaultProvider(kind string) string {
	best := ""
	for _, p := range r.Providers() {
		for _, k := range r.kinds[p] {
			if k == kind && (best == "" || len(r.kinds[p]) < len(r.kinds[best])) {
				best = p
			}
		}
	}
	return best
}

// Adapter builds the adapter of a configured channel. An unknown provider,
// or one that does not serve the channel's kind, is EINVALID.
func (r *Registry) Adapter(cfg *desk.ChannelConfig) (desk.Channel, error) {
	f, ok := r.factories[cfg.Provider]
	if !ok {
		return nil, desk.FieldErrorf("provider", "unknown provider %q", cfg.Provider)
	}
	serves := false
	for _, k := range r.kinds[cfg.Provider] {
		serves = serves || k == cfg.Kind
	}
	if !serves {
		return nil, desk.FieldErrorf("provider", "provider %q does not serve %s channels", cfg.Provider, cfg.Kind)
	}
	return f(cfg, r.client)
}
