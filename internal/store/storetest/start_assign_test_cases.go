package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testStartAssigneeAndForm is C2's Agent and Form fields of a new
// conversation: supervisors assign anyone of the queue; agents
// themselves, or a colleague only where the queue lets its agents
// (agents_assign_colleagues); the form and its values are validated and
// stored with the conversation, required fields enforced when it starts
// solved or closed.
func testStartAssigneeAndForm(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Sales")
	me := f.MustAgent("me@example.com", desk.RoleAgent, q.ID)
	colleague := f.MustAgent("col@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	n := 0
	start := func(as *desk.Agent, assignee *desk.ID, form *desk.ID, values map[string]any, status string) (*desk.Conversation, error) {
		n++
		return f.s.StartConversation(f.as(as), &desk.NewConversation{Channel: "sms", Sender: "brand", ContactAddress: "+1555020" + string(rune('0'+n/10)) + string(rune('0'+n%10)),
			QueueID: q.ID, AssigneeID: assignee, FormID: form, FormValues: values, Status: status})
	}
	_, err := start(me, &colleague.ID, nil, nil, "")
	wantField(t, err, "assign_not_allowed", "agent_id")
	if c, err := start(sup, &colleague.ID, nil, nil, ""); err != nil || c.AssigneeID == nil || *c.AssigneeID != colleague.ID {
		t.Fatalf("supervisor assigns anyone: %+v %v", c, err)
	}
	if c, err := start(me, &me.ID, nil, nil, ""); err != nil || *c.AssigneeID != me.ID {
		t.Fatalf("agent assigns themselves: %+v %v", c, err)
	}
	on := true
	if _, err := f.s.UpdateQueue(f.sys, q.ID, desk.QueueUpdate{AgentsAssignColleagues: &on}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.FindQueueByID(f.sys, q.ID); !got.AgentsAssignColleagues {
		t.Fatal("the queue setting was not stored")
	}
	if c, err := start(me, &colleague.ID, nil, nil, ""); err != nil || *c.AssigneeID != colleague.ID {
		t.Fatalf("queue lets agents assign colleagues: %+v %v", c, err)
	}
	_, err = start(me, &sup.ID, nil, nil, "")
	wantField(t, err, "assign_not_allowed", "agent_id") // an agent naming someone outside the queue

	form := &desk.Form{Name: "Order", Fields: []desk.FormField{{Name: "order", Label: "Order", Type: desk.FieldText, Required: true},
		{Name: "qty", Label: "Quantity", Type: desk.FieldNumber}}}
	if err := f.s.CreateForm(f.as(sup), form); err != nil {
		t.Fatal(err)
	}
	c, err := start(me, nil, &form.ID, map[string]any{"qty": float64(3)}, "")
	if err != nil || c.FormID == nil || *c.FormID != form.ID || c.FormValues["qty"] != float64(3) {
		t.Fatalf("form stored: %+v %v", c, err)
	}
	_, err = start(me, nil, &form.ID, map[string]any{"qty": "many"}, "")
	wantField(t, err, desk.EINVALID, "form_values.qty")
	missing := desk.ID(99999)
	_, err = start(me, nil, &missing, nil, "")
	wantField(t, err, desk.EINVALID, "form_id")
	_, err = start(me, nil, &form.ID, nil, desk.ConversationSolved)
	if desk.ErrorCode(err) != "form_incomplete" {
		t.Fatalf("solved without the required field: %v", err)
	}
	if c, err := start(me, nil, &form.ID, map[string]any{"order": "A-1"}, desk.ConversationSolved); err != nil || c.FormValues["order"] != "A-1" {
		t.Fatalf("solved with it: %+v %v", c, err)
	}
}
