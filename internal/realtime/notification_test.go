package realtime_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/realtime"
	"github.com/switchboard-cc/switchboard/internal/sla"
)

// later is a clock some minutes ahead of the wall clock.
type later time.Duration

func (l later) Now() time.Time { return time.Now().UTC().Add(time.Duration(l)) }

// TestBreachNotificationOtherNode: an SLA breach recorded through the
// first node (its tracker and store) reaches the assignee's socket on the
// second node as notification.created for them, and not the socket of a
// colleague in the same queue; the notification is then in the
// assignee's list.
func TestBreachNotificationOtherNode(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	n2 := e.secondNode()
	agentTok, agentID := n2.login("agent@example.com", desk.RoleAgent, e.qa)
	colTok, _ := n2.login("colleague@example.com", desk.RoleAgent, e.qa)
	agent, colleague := n2.dial(agentTok, ""), n2.dial(colTok, "")

	if err := e.store.CreateSLAPolicy(e.sys, &desk.SLAPolicy{QueueID: e.qa, FirstResponseMinutes: 1}); err != nil {
		t.Fatal(err)
	}
	c := e.ingest("+15550001", "n-1", e.qa).Conversation
	if _, err := e.store.AssignConversation(e.sys, c.ID, agentID); err != nil {
		t.Fatal(err)
	}
	tracker := sla.NewTracker(e.store, later(2*time.Minute), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Second)
	if err := tracker.Sync(e.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := tracker.Sweep(e.sys); err != nil {
		t.Fatal(err)
	}
	f, _ := agent.until(desk.ChangeNotificationCreated)
	if f.AgentID != agentID || f.ConversationID != c.ID {
		t.Fatalf("assignee's frame: %+v", f)
	}
	// The colleague's socket saw the conversation's changes but no
	// notification: a frame after the breach (a new conversation) comes
	// first.
	next := e.ingest("+15550002", "n-2", e.qa).Conversation
	for {
		f := colleague.next()
		if f.Type == desk.ChangeNotificationCreated {
			t.Fatalf("the colleague got the assignee's notification: %+v", f)
		}
		if f.Type == desk.ChangeConversationCreated && f.ConversationID == next.ID {
			break
		}
	}
	items, n, err := e.store.FindNotifications(desk.NewContextWithActor(e.sys, &desk.Actor{AgentID: agentID, Role: desk.RoleAgent}), true, 10)
	if err != nil || n != 1 || len(items) != 1 || items[0].Type != desk.NotificationSLABreached {
		t.Fatalf("assignee's list: %d %+v %v", n, items, err)
	}
}
