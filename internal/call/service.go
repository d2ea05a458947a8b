package call

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Store is what the calls feature needs of the store.
type Store interface {
	FindAgents(ctx context.Context, f desk.AgentFilter) ([]*desk.Agent, string, error)
	FindQueueByID(ctx context.Context, id desk.ID) (*desk.Queue, error)
	SetCallState(ctx context.Context, agentID desk.ID, state string) (*desk.Agent, error)
	desk.CallService
}

// Media is the media hub as the lifecycle drives it; nil runs calls
// without media (signaling-only tests).
type Media interface {
	// Hold switches the customer between the agent and hold music.
	Hold(callID string, on bool)
	// DropAgent disconnects the agent's leg (transfer); recording stops.
	DropAgent(callID string)
	// End tears the call's media down.
	End(callID string)
	// SendDTMF queues the agent's keys for the customer; ErrNoDTMF (or
	// an error wrapping it) when their leg takes none.
	SendDTMF(callID, digits string) error
	// TakesDTMF reports whether SendDTMF can reach the customer now, so
	// clients offer a keypad only then.
	TakesDTMF(callID string) bool
}

// Notifier pushes a call frame to one agent's clients (ringing, a
// returned transfer, the end of a call). Nil sends nothing.
type Notifier interface {
	NotifyAgent(agentID desk.ID, frame any)
}

// Config tunes the calls feature.
type Config struct {
	// RingTimeout is how long an agent's phone rings before the call goes
	// to the next agent (default 20 s).
	RingTimeout time.Duration
	// WrapUp is the after-call time (default 30 s).
	WrapUp time.Duration
	Clock  desk.Clock
	Log    *slog.Logger
	// Node is this node's ID, the prefix of the IDs of the calls it owns
	// (docs/calls-across-nodes.md); empty makes unprefixed IDs.
	Node string
	// PhoneRegion is the server's --phone-region: the country of caller
	// IDs a trunk sends without their country code (issue 16).
	PhoneRegion string
	// Dialer is the SIP trunk, for transfers to external numbers and
	// agents' calls to customers' numbers; nil refuses both (no_trunk).
	Dialer Dialer
	// Intake lets calls arrive from the SIP trunk: it finds or creates the
	// caller and their Voice conversation, and Router picks its queue
	// (nil: Default). Nil Intake refuses such calls.
	Intake IntakeStore
	Router Router
}

// Service runs the calls of one node. One lock orders every transition
// and its effects, so presence and the timeline follow calls in order.
type Service struct {
	cfg    Config
	store  Store
	media  Media
	notify Notifier
	dialer Dialer
	intake IntakeStore
	router Router

	mu      sync.Mutex
	calls   map[string]*Call
	wrapups map[desk.ID]*WrapUp
}

// NewService returns a service; media and notify may be nil. A media hub
// or trunk that needs the service in turn reaches it through a value
// bound once the service exists, inside the one constructor that builds
// them all (internal/app).
func NewService(store Store, media Media, notify Notifier, cfg Config) *Service {
	if cfg.RingTimeout <= 0 {
		cfg.RingTimeout = 20 * time.Second
	}
	if cfg.WrapUp <= 0 {
		cfg.WrapUp = 30 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = desk.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{cfg: cfg, store: store, media: media, notify: notify, dialer: cfg.Dialer, intake: cfg.Intake, router: cfg.Router,
		calls: map[string]*Call{}, wrapups: map[desk.ID]*WrapUp{}}
}

// Inbound starts a customer's call on a conversation and rings the first
// eligible agent of its queue: prefer (the conversation's assignee, who
// sent the call link) when they can take it, else the longest idle.
func (s *Service) Inbound(ctx context.Context, conversationID, queueID, prefer desk.ID) (*Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inbound(ctx, s.newID(), conversationID, queueID, prefer, false), nil
}

// inbound starts call id and routes it; trunk marks a caller on the SIP
// trunk, whose leg the Dialer hangs up. Called with the lock held.
func (s *Service) inbound(ctx context.Context, id string, conversationID, queueID, prefer desk.ID, trunk bool) *Call {
	now := s.cfg.Clock.Now()
	c := &Call{ID: id, ConversationID: conversationID, QueueID: queueID, Direction: desk.CallInbound, State: Queued, CreatedAt: now,
		Prefer: prefer, Trunk: trunk}
	s.calls[c.ID] = c
	kv := []any{"queue_id", queueID.String()}
	if trunk {
		kv = append(kv, "via", "sip")
	}
	s.apply(ctx, c, []Effect{event(c, "incoming", kv...)})
	s.route(ctx, c, now)
	return c.snapshot()
}

// Outbound starts agent's call to the customer of a conversation.
func (s *Service) Outbound(ctx context.Context, conversationID, queueID, agent desk.ID) (*Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.wrapups[agent]; w != nil {
		return nil, desk.Errorf(desk.ECONFLICT, "finish the wrap-up of your last call first")
	}
	// A call or wrap-up of this agent on another node shows in the store.
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	if as, _, err := s.store.FindAgents(sys, desk.AgentFilter{ID: &agent, Limit: 1}); err == nil && len(as) == 1 && as[0].CallState != "" {
		return nil, desk.CodedErrorf(desk.ECONFLICT, "call_state", "finish your current call or its wrap-up first")
	}
	now := s.cfg.Clock.Now()
	c := &Call{ID: s.newID(), ConversationID: conversationID, QueueID: queueID, State: Queued, CreatedAt: now}
	effs, err := c.Dial(agent, now)
	if err != nil {
		return nil, stateError(err)
	}
	s.calls[c.ID] = c
	s.apply(ctx, c, effs)
	return c.snapshot(), nil
}

// Find returns a copy of a live call, or ENOTFOUND.
func (s *Service) Find(id string) (*Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[id]
	if c == nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	return c.snapshot(), nil
}

// ActiveOn returns a copy of the conversation's call that has not ended,
// or nil.
func (s *Service) ActiveOn(conversationID desk.ID) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.calls {
		if c.ConversationID == conversationID && c.State != Ended {
			return c.snapshot()
		}
	}
	return nil
}

// CallOf returns a copy of the live call ringing for or connected to
// agent (the workspace's call panel), or nil.
func (s *Service) CallOf(agent desk.ID) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.calls {
		if c.AgentID == agent && c.State != Ended && c.State != Queued {
			return c.snapshot()
		}
	}
	return nil
}

// SetRecording links the call's recording file (I4) to its record.
func (s *Service) SetRecording(ctx context.Context, id, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.calls[id]; c != nil && c.Recording != path {
		c.Recording = path
		sys := desk.NewContextWithActor(context.WithoutCancel(ctx), desk.SystemActor)
		if err := s.store.SaveCall(sys, c.record()); err != nil {
			s.cfg.Log.Error("call: saving recording", "call", id, "err", err)
		}
	}
}

// WrapUpOf returns a copy of agent's running wrap-up, or nil.
func (s *Service) WrapUpOf(agent desk.ID) *WrapUp {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.wrapups[agent]; w != nil {
		cp := *w
		return &cp
	}
	return nil
}

// Run calls Tick every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Tick(ctx)
		}
	}
}

// Tick moves time-driven transitions: unanswered ringing goes to the next
// agent, queued calls look for an agent again, and wrap-ups that ran out
// end.
func (s *Service) Tick(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Clock.Now()
	for _, c := range s.calls {
		switch {
		case c.State == Ringing && now.Sub(c.RingingSince) >= s.cfg.RingTimeout:
			effs, _ := c.Miss("no_answer", now)
			s.apply(ctx, c, effs)
			s.route(ctx, c, now)
		case c.State == Queued:
			s.route(ctx, c, now)
		case c.State == Ended:
			delete(s.calls, c.ID)
		}
	}
	for agent, w := range s.wrapups {
		if !now.Before(w.Until) {
			delete(s.wrapups, agent)
			s.applyTo(ctx, w.ConversationID, w.Finish("", "timeout", now))
		}
	}
}

// route rings the longest-idle eligible agent of the call's queue who was
// not rung in this round; when every one was, the next tick starts a new
// round. A call nobody can take stays queued.
func (s *Service) route(ctx context.Context, c *Call, now time.Time) {
	if c.State != Queued {
		return
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	agents, err := s.queueAgents(sys, c.QueueID)
	if err != nil {
		s.cfg.Log.Error("call: finding agents", "call", c.ID, "err", err)
		return
	}
	var best *desk.Agent
	for _, a := range agents {
		if !s.eligible(a) || contains(c.Tried, a.ID) {
			continue
		}
		if a.ID == c.Prefer {
			best = a
			break
		}
		if best == nil || idleSince(a).Before(idleSince(best)) {
			best = a
		}
	}
	if best == nil {
		c.Tried = nil
		return
	}
	effs, _ := c.Ring(best.ID, now)
	s.apply(ctx, c, effs)
}

// queueAgents lists every agent of a queue, page by page.
func (s *Service) queueAgents(ctx context.Context, queueID desk.ID) ([]*desk.Agent, error) {
	var all []*desk.Agent
	f := desk.AgentFilter{QueueID: &queueID, Limit: 200}
	for {
		page, next, err := s.store.FindAgents(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		f.Cursor = next
	}
}

// eligible reports whether an agent may be rung: accepts work (A2, A4),
// not in a call nor wrapping up.
func (s *Service) eligible(a *desk.Agent) bool {
	return a.AcceptsWork && a.CallState == "" && s.wrapups[a.ID] == nil
}

func idleSince(a *desk.Agent) time.Time {
	if a.StatusChangedAt == nil {
		return time.Time{}
	}
	return *a.StatusChangedAt
}

func contains(ids []desk.ID, id desk.ID) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// snapshot copies a call for readers outside the lock.
func (c *Call) snapshot() *Call {
	cp := *c
	cp.Tried = append([]desk.ID(nil), c.Tried...)
	return &cp
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// stateError maps state machine errors to domain errors.
func stateError(err error) error {
	switch {
	case errors.Is(err, ErrState):
		return &desk.Error{Kind: desk.ECONFLICT, Code: "call_state", Message: "the call cannot do that now"}
	case errors.Is(err, ErrNotYours):
		return &desk.Error{Kind: desk.EFORBIDDEN, Code: "not_your_call", Message: "this call is not yours"}
	}
	return err
}
