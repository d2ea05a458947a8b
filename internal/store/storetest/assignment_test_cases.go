package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testAssignment(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sales := f.MustQueue("Sales")
	ann := f.MustAgent("ann@example.com", desk.RoleAgent)
	bob := f.MustAgent("bob@example.com", desk.RoleAgent, sales.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	c := f.MustIngest("+15550001", "x1", "hi", 0).Conversation

	_, err := f.s.AssignConversation(f.as(ann), c.ID, bob.ID)
	wantCode(t, err, desk.EFORBIDDEN) // agents only take for themselves
	got, err := f.s.AssignConversation(f.as(ann), c.ID, ann.ID)
	if err != nil || got.AssigneeID == nil || *got.AssigneeID != ann.ID || got.AssigneeName != ann.Name {
		t.Fatalf("take: %+v %v", got, err)
	}
	if _, err := f.s.AssignConversation(f.as(ann), c.ID, ann.ID); err != nil {
		t.Fatalf("re-take by holder should be a no-op: %v", err)
	}
	_, err = f.s.AssignConversation(f.as(bob), c.ID, bob.ID)
	wantCode(t, err, "already_assigned")
	if e := err.(*desk.Error); e.Detail["assignee_name"] != ann.Name {
		t.Fatalf("holder not named: %+v", e)
	}
	_, err = f.s.UnassignConversation(f.as(bob), c.ID)
	wantCode(t, err, desk.EFORBIDDEN)
	// Transfer to a queue unassigns; the event names both queues.
	got, err = f.s.TransferConversation(f.as(ann), c.ID, desk.Transfer{QueueID: &sales.ID})
	if err != nil || got.AssigneeID != nil || got.QueueID != sales.ID {
		t.Fatalf("transfer to queue: %+v %v", got, err)
	}
	_, err = f.s.TransferConversation(f.as(sup), c.ID, desk.Transfer{})
	wantCode(t, err, desk.EINVALID)
	got, err = f.s.TransferConversation(f.as(sup), c.ID, desk.Transfer{AgentID: &bob.ID})
	if err != nil || *got.AssigneeID != bob.ID {
		t.Fatalf("transfer to agent: %+v %v", got, err)
	}
	if got, err = f.s.UnassignConversation(f.as(sup), c.ID); err != nil || got.AssigneeID != nil {
		t.Fatalf("unassign: %+v %v", got, err)
	}
	evs, _ := f.s.FindEvents(f.sys, c.ID)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if fmt.Sprint(types) != "[created assigned transferred transferred unassigned]" {
		t.Fatalf("timeline = %v", types)
	}
	if evs[2].Data["to_queue_id"] != sales.ID.String() || evs[1].ActorName != ann.Name {
		t.Fatalf("event data: %+v %+v", evs[2], evs[1])
	}
}

// testAssignRace: 50 agents race to take the same 20 conversations; each
// ends with exactly one assignee and every loser got already_assigned (B4).
func testAssignRace(t *testing.T, open Opener) {
	f := newFixture(t, open)
	const agents, convs = 50, 20
	var ag []*desk.Agent
	for i := 0; i < agents; i++ {
		ag = append(ag, f.MustAgent(fmt.Sprintf("r%d@example.com", i), desk.RoleAgent))
	}
	var cs []desk.ID
	for i := 0; i < convs; i++ {
		cs = append(cs, f.MustIngest(fmt.Sprintf("+1666000%02d", i), fmt.Sprintf("r%d", i), "race", 0).Conversation.ID)
	}
	var mu sync.Mutex
	wins := map[desk.ID][]desk.ID{}
	losses := 0
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, a := range ag {
		wg.Add(1)
		go func(a *desk.Agent) {
			defer wg.Done()
			<-start
			for _, id := range cs {
				_, err := f.s.AssignConversation(f.as(a), id, a.ID)
				mu.Lock()
				if err == nil {
					wins[id] = append(wins[id], a.ID)
				} else if desk.ErrorCode(err) == "already_assigned" {
					losses++
				} else {
					t.Errorf("unexpected error: %v", err)
				}
				mu.Unlock()
			}
		}(a)
	}
	close(start)
	wg.Wait()
	for _, id := range cs {
		if len(wins[id]) != 1 {
			t.Fatalf("conversation %s taken by %v", id, wins[id])
		}
		c, _ := f.s.FindConversationByID(f.sys, id)
		if c.AssigneeID == nil || *c.AssigneeID != wins[id][0] {
			t.Fatalf("stored assignee %v, winner %v", c.AssigneeID, wins[id])
		}
	}
	if losses != agents*convs-convs {
		t.Fatalf("losers = %d, want %d", losses, agents*convs-convs)
	}
}
