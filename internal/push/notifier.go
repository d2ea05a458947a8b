package push

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Message is the JSON a push carries: the service worker shows it as a
// notification and opens URL on a tap.
type Message struct {
	Type           string  `json:"type"`
	ConversationID desk.ID `json:"conversation_id,omitempty"`
	Title          string  `json:"title"`
	URL            string  `json:"url"`
}

// Store is what the notifier reads and changes.
type Store interface {
	FindPushSubscriptions(ctx context.Context, agentID desk.ID) ([]*desk.PushSubscription, error)
	DeletePushSubscription(ctx context.Context, sessionID desk.ID) error
	SetAgentStatus(ctx context.Context, agentID desk.ID, status string) (*desk.Agent, error)
}

// Notifier pushes A9's notifications to agents' phones: a conversation
// assigned to them, a new customer message in one they hold. It reads the
// store's committed changes and never blocks the writer (a bounded queue;
// a burst beyond it drops pushes, logged). A subscription the push service
// reports gone is deleted and, when it was the agent's last, the agent is
// set Offline: the phone is really gone (A7).
type Notifier struct {
	Store  Store
	Sender *Sender
	Log    *slog.Logger
	jobs   chan job
}

type job struct {
	agent desk.ID
	msg   Message
}

// NewNotifier returns a notifier; Run starts its sender.
func NewNotifier(st Store, s *Sender, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.Default()
	}
	return &Notifier{Store: st, Sender: s, Log: log, jobs: make(chan job, 1024)}
}

// HandleChanges is the store's change handler.
func (n *Notifier) HandleChanges(changes []desk.Change) {
	for _, ch := range changes {
		var j job
		switch {
		case ch.Type == desk.ChangeConversationAssigned && ch.AgentID != 0:
			j = job{ch.AgentID, Message{Type: "conversation.assigned", ConversationID: ch.ConversationID, Title: "New conversation assigned to you"}}
		case ch.Type == desk.ChangeMessageCreated && ch.Direction == desk.DirectionIn && ch.AgentID != 0:
			j = job{ch.AgentID, Message{Type: "message.created", ConversationID: ch.ConversationID, Title: "New customer message"}}
		case ch.Type == desk.ChangeNotificationCreated && ch.AgentID != 0:
			// An in-app notification (an SLA breach, issue 23): recorded
			// once, on the node that recorded it.
			j = job{ch.AgentID, Message{Type: "notification", ConversationID: ch.ConversationID, Title: "SLA breached"}}
		default:
			continue
		}
		j.msg.URL = "/work/mine/" + ch.ConversationID.String()
		if j.msg.Type == "notification" {
			// A supervisor's notification may be of someone else's conversation.
			j.msg.URL = "/work/all/" + ch.ConversationID.String()
		}
		select {
		case n.jobs <- j:
		default:
			n.Log.Warn("push: queue full, notification dropped", "agent", j.agent.String())
		}
	}
}

// Run sends queued pushes until ctx ends.
func (n *Notifier) Run(ctx context.Context) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-n.jobs:
			n.deliver(sys, j)
		}
	}
}

// deliver sends one message to every subscription of the agent.
func (n *Notifier) deliver(ctx context.Context, j job) {
	subs, err := n.Store.FindPushSubscriptions(ctx, j.agent)
	if err != nil || len(subs) == 0 {
		return
	}
	body, _ := json.Marshal(j.msg)
	left := len(subs)
	for _, s := range subs {
		err := n.Sender.Send(ctx, Subscription{Endpoint: s.Endpoint, P256dh: s.P256dh, Auth: s.Auth}, body)
		switch {
		case errors.Is(err, ErrGone):
			left--
			if err := n.Store.DeletePushSubscription(ctx, s.SessionID); err != nil {
				n.Log.Error("push: dropping a gone subscription", "err", err)
			}
		case err != nil:
			// A passing failure (the push service down): the phone may
			// still be there; the next push tries again.
			n.Log.Warn("push: send failed", "agent", j.agent.String(), "err", err)
		}
	}
	if left == 0 {
		if _, err := n.Store.SetAgentStatus(ctx, j.agent, desk.StatusOffline); err != nil {
			n.Log.Error("push: setting a gone phone's agent Offline", "err", err)
		} else {
			n.Log.Info("push: every subscription gone, agent set Offline", "agent", j.agent.String())
		}
	}
}

// Flush delivers what is queued now (tests).
func (n *Notifier) Flush(ctx context.Context) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	for {
		select {
		case j := <-n.jobs:
			n.deliver(sys, j)
		default:
			return
		}
	}
}
