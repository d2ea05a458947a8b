package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestAutoAssignReplan forces PostgreSQL's re-plan path: between the
// read of the eligible agents and the lock of those the plan chose, the
// chosen agent changes in a concurrent, committed transaction (the plan
// hook makes it at exactly that point). The store must lock, see the
// change, plan again in the same transaction and give the conversation
// to the agent who is now first — never to the changed one — with loads
// and the timeline exact.
func TestAutoAssignReplan(t *testing.T) {
	cases := []struct {
		name string
		// change alters ann (chosen first: load 0 against bob's 1)
		// from another transaction; annLoad is her load after it.
		change  func(t *testing.T, s desk.Store, sys context.Context, ann desk.ID, spare []desk.ID)
		annLoad int
	}{
		{"load rose", func(t *testing.T, s desk.Store, sys context.Context, ann desk.ID, spare []desk.ID) {
			for _, id := range spare {
				if _, err := s.AssignConversation(sys, id, ann); err != nil {
					t.Error(err)
				}
			}
		}, 2},
		{"went away", func(t *testing.T, s desk.Store, sys context.Context, ann desk.ID, _ []desk.ID) {
			if _, err := s.SetAgentStatus(sys, ann, desk.StatusAway); err != nil {
				t.Error(err)
			}
		}, 0},
		{"capacity lowered", func(t *testing.T, s desk.Store, sys context.Context, ann desk.ID, _ []desk.ID) {
			zero := 0
			if _, err := s.UpdateAgent(sys, ann, desk.AgentUpdate{Capacity: &zero}); err != nil {
				t.Error(err)
			}
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The hook needs the store it is given to: it calls through
			// hook, set once the store is open.
			var hook sqlstore.PlanHook
			s, err := postgres.OpenWith(context.Background(), freshSchema(t), desk.SystemClock{}, sqlstore.Options{
				PlanHook: func(queueID desk.ID, round int, chosen []desk.ID) {
					if hook != nil {
						hook(queueID, round, chosen)
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
			on := true
			q := &desk.Queue{Name: "Replan", AutoAssign: true}
			if err := s.CreateQueue(sys, q); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateQueue(sys, q.ID, desk.QueueUpdate{AutoAssign: &on}); err != nil {
				t.Fatal(err)
			}
			other := &desk.Queue{Name: "Manual"}
			if err := s.CreateQueue(sys, other); err != nil {
				t.Fatal(err)
			}
			var agents [2]desk.ID
			for i, name := range []string{"ann", "bob"} {
				a := &desk.Agent{Email: name + "@example.com", Role: desk.RoleAgent, Capacity: 5, QueueIDs: []desk.ID{q.ID, other.ID}}
				if err := s.CreateAgent(sys, a); err != nil {
					t.Fatal(err)
				}
				if _, err := s.SetAgentStatus(sys, a.ID, desk.StatusAvailable); err != nil {
					t.Fatal(err)
				}
				agents[i] = a.ID
			}
			ann, bob := agents[0], agents[1]
			ingest := func(i int, queue desk.ID) desk.ID {
				res, err := s.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: fmt.Sprintf("+1555077%04d", i),
					To: "x", Text: "hi", ExternalID: fmt.Sprint("rp", i), QueueID: queue})
				if err != nil {
					t.Fatal(err)
				}
				return res.Conversation.ID
			}
			if _, err := s.AssignConversation(sys, ingest(0, other.ID), bob); err != nil {
				t.Fatal(err)
			}
			spare := []desk.ID{ingest(1, other.ID), ingest(2, other.ID)}
			waiting := ingest(3, q.ID)

			var rounds [][]desk.ID
			hook = func(queueID desk.ID, round int, chosen []desk.ID) {
				rounds = append(rounds, chosen)
				if round == 0 {
					tc.change(t, s, sys, ann, spare)
				}
			}
			got, err := s.AutoAssign(sys, q.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			hook = nil
			if want := [][]desk.ID{{ann}, {bob}}; !slices.EqualFunc(rounds, want, slices.Equal) {
				t.Fatalf("plans %v, want ann first, then bob after the change", rounds)
			}
			if len(got) != 1 || got[0].ConversationID != waiting || got[0].AgentID != bob {
				t.Fatalf("assigned %+v, want conversation %s to bob", got, waiting)
			}
			c, err := s.FindConversationByID(sys, waiting)
			if err != nil || c.AssigneeID == nil || *c.AssigneeID != bob {
				t.Fatalf("stored assignee %v %v", c, err)
			}
			evs, _ := s.FindEvents(sys, waiting)
			n := 0
			for _, e := range evs {
				if e.Type == desk.EventAssigned {
					n++
					if e.Data["agent_id"] != bob.String() {
						t.Fatalf("assigned event %+v", e)
					}
				}
			}
			if n != 1 {
				t.Fatalf("%d assigned events, want 1", n)
			}
			for id, want := range map[desk.ID]int{ann: tc.annLoad, bob: 2} {
				a, err := s.FindAgentByID(sys, id)
				if err != nil || a.Load != want {
					t.Fatalf("agent %s load %v (%v), want %d", id, a.Load, err, want)
				}
			}
		})
	}
}
