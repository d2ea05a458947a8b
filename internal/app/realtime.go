package app

import (
	"context"
	"log/slog"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/realtime"
)

// startRealtime opens the bus (NATS with --nats, else in process) and the
// hub it feeds. The store's changes reach the bus through the returned
// handler; offers answers the call.offer frames of agents' sockets (nil:
// calls are off); events sees every change. nats is the bus when it is
// NATS (several nodes), else nil.
func startRealtime(ctx context.Context, c *Config, store desk.Store, tokens *auth.SessionCache, offers realtime.CallOfferFunc, log *slog.Logger, events func(desk.Change), also ...func(bus.Signal)) (hub *realtime.Hub, b bus.Bus, nats *bus.NATS, err error) {
	b = bus.NewLocal()
	if c.NATS != "" {
		if nats, err = bus.DialNATS(ctx, c.NATS, c.NATSPrefix, log); err != nil {
			return nil, nil, nil, err
		}
		b = nats
	}
	hub = realtime.NewHub(store, b, log, realtime.Config{Node: c.NodeID, MaxPerSession: c.WSPerSession, CallOffers: offers})
	if err := b.Start(tokenDropper{Handler: signalTee{Handler: hub, events: events, also: also}, tokens: tokens}, 10000); err != nil {
		b.Close()
		return nil, nil, nil, err
	}
	return hub, b, nats, nil
}

// tokenDropper passes what the bus delivers to the hub and keeps this
// node's token cache honest: sessions revoked and agents changed on any
// node are forgotten here too.
type tokenDropper struct {
	bus.Handler
	tokens *auth.SessionCache
}

func (d tokenDropper) OnEvent(ev bus.Event) {
	if ev.Type == desk.ChangeAgentUpdated {
		d.tokens.DropAgent(ev.AgentID)
	}
	d.Handler.OnEvent(ev)
}

func (d tokenDropper) OnSignal(sig bus.Signal) {
	if sig.Type == bus.SignalSessionRevoked {
		d.tokens.DropSessions(sig.SessionIDs)
	}
	d.Handler.OnSignal(sig)
}

// signalTee hands the bus's signals to other listeners too (Live Chat's
// relay), and its events, after the hub, to events (the wallboard).
type signalTee struct {
	bus.Handler
	events func(desk.Change)
	also   []func(bus.Signal)
}

// OnEvent delivers ev to the hub, then to events.
func (t signalTee) OnEvent(ev bus.Event) {
	t.Handler.OnEvent(ev)
	if t.events != nil {
		t.events(ev.Change)
	}
}

// OnSignal delivers sig to the hub, then to each listener.
func (t signalTee) OnSignal(sig bus.Signal) {
	t.Handler.OnSignal(sig)
	for _, f := range t.also {
		f(sig)
	}
}
