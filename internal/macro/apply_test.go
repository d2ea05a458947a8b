package macro

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// fakeStore holds the facts Apply reads and records the one write; no
// database.
type fakeStore struct {
	convs   map[desk.ID]*desk.Conversation
	macros  map[desk.ID]*desk.Macro
	queues  map[desk.ID]*desk.Queue
	forms   map[desk.ID]*desk.Form
	drafts  map[desk.ID]*desk.Draft
	senders map[string][]string
	// agents maps an agent to its role; members maps a queue to its
	// members.
	agents  map[desk.ID]desk.Role
	members map[desk.ID][]desk.ID
	written *desk.MacroWrite
}

func (f *fakeStore) FindConversationByID(_ context.Context, id desk.ID) (*desk.Conversation, error) {
	if c, ok := f.convs[id]; ok {
		cp := *c
		return &cp, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "conversation not found")
}

func (f *fakeStore) FindMacroByID(_ context.Context, id desk.ID) (*desk.Macro, error) {
	if m, ok := f.macros[id]; ok {
		cp := *m
		return &cp, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "macro not found")
}

func (f *fakeStore) FindQueueByID(_ context.Context, id desk.ID) (*desk.Queue, error) {
	if q, ok := f.queues[id]; ok {
		return q, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "queue not found")
}

func (f *fakeStore) FindFormByID(_ context.Context, id desk.ID) (*desk.Form, error) {
	if fm, ok := f.forms[id]; ok {
		return fm, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "form not found")
}

func (f *fakeStore) FindDraft(_ context.Context, convID desk.ID) (*desk.Draft, error) {
	if d, ok := f.drafts[convID]; ok {
		cp := *d
		return &cp, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "draft not found")
}

func (f *fakeStore) ChannelSenders(_ context.Context, kind string) ([]string, error) {
	return f.senders[kind], nil
}

func (f *fakeStore) AgentQueueAccess(_ context.Context, agentID, queueID desk.ID) (desk.Role, bool, error) {
	role, ok := f.agents[agentID]
	if !ok {
		return "", false, desk.Errorf(desk.ENOTFOUND, "agent not found")
	}
	for _, m := range f.members[queueID] {
		if m == agentID {
			return role, true, nil
		}
	}
	return role, false, nil
}

func (f *fakeStore) WriteMacro(_ context.Context, w *desk.MacroWrite) (*desk.Conversation, error) {
	f.written = w
	return w.After, nil
}

func ptr[T any](v T) *T { return &v }

type clock struct{ t time.Time }

func (c clock) Now() time.Time { return c.t }

const (
	agent      desk.ID = 10 // member of queue 1
	other      desk.ID = 11 // member of queue 2
	supervisor desk.ID = 12 // member of no queue
	stranger   desk.ID = 13 // member of queue 1 only
)

// newFake returns a store with two queues (2 sends SMS from +15550002222
// only and sends surveys), a form with a required field, and one
// conversation per case's starting point.
func newFake() *fakeStore {
	return &fakeStore{
		convs: map[desk.ID]*desk.Conversation{
			1: {ID: 1, Channel: desk.ChannelSMS, Status: desk.ConversationOpen, Priority: desk.PriorityNormal, QueueID: 1,
				AssigneeID: ptr(agent), SenderAddress: "+15550001111", CustomerID: 7},
			2: {ID: 2, Channel: desk.ChannelSMS, Status: desk.ConversationClosed, QueueID: 1},
			3: {ID: 3, Channel: desk.ChannelInternal, Status: desk.ConversationOpen, QueueID: 1},
			4: {ID: 4, Channel: desk.ChannelEmail, Status: desk.ConversationOpen, Priority: desk.PriorityNormal, QueueID: 2,
				SenderAddress: "help@example.com", CustomerID: 7},
		},
		macros: map[desk.ID]*desk.Macro{},
		queues: map[desk.ID]*desk.Queue{
			1: {ID: 1, Name: "Support"},
			2: {ID: 2, Name: "Billing", DefaultSenders: map[string]string{desk.ChannelSMS: "+15550002222"}, SurveyEnabled: true},
		},
		forms: map[desk.ID]*desk.Form{
			5: {ID: 5, Name: "Order", Fields: []desk.FormField{{Name: "order", Label: "Order", Type: "text", Required: true}}},
		},
		drafts:  map[desk.ID]*desk.Draft{},
		senders: map[string][]string{desk.ChannelSMS: {"+15550001111", "+15550003333"}},
		agents:  map[desk.ID]desk.Role{agent: desk.RoleAgent, other: desk.RoleAgent, supervisor: desk.RoleSupervisor, stranger: desk.RoleAgent},
		members: map[desk.ID][]desk.ID{1: {agent, stranger}, 2: {other}},
	}
}

func TestApplyRules(t *testing.T) {
	asAgent := desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: agent, Role: desk.RoleAgent})
	for _, tt := range []struct {
		name    string
		conv    desk.ID
		actions desk.MacroActions
		// setup changes the facts before the macro runs.
		setup func(*fakeStore)
		// code and field are the refusal expected; empty for success.
		kind        string
		code, field string
		// check inspects the write.
		check func(*testing.T, *desk.MacroWrite)
	}{
		{name: "closed conversation refused", conv: 2, actions: desk.MacroActions{Priority: ptr(desk.PriorityHigh)},
			kind: desk.ECONFLICT, code: "conversation_closed"},
		{name: "sender keyed as the channel reads numbers", conv: 1, actions: desk.MacroActions{Sender: ptr("+1 (555) 000-3333")},
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.After.SenderAddress != "+15550003333" {
					t.Errorf("sender %q", w.After.SenderAddress)
				}
			}},
		{name: "internal conversation takes no sender", conv: 3, actions: desk.MacroActions{Sender: ptr("+15550003333")},
			kind: desk.EINVALID, field: "actions.sender"},
		{name: "queue's default sender only", conv: 1, actions: desk.MacroActions{QueueID: ptr(desk.ID(2)), Sender: ptr("+15550003333")},
			kind: desk.EFORBIDDEN, code: "sender_not_allowed", field: "actions.sender"},
		{name: "queue's default sender allowed", conv: 1, actions: desk.MacroActions{QueueID: ptr(desk.ID(2)), Sender: ptr("+15550002222")}},
		{name: "sender of no configured channel", conv: 1, actions: desk.MacroActions{Sender: ptr("+15550009999")},
			kind: desk.EINVALID, code: "unknown_sender", field: "actions.sender"},
		{name: "any sender without configured channels", conv: 1, actions: desk.MacroActions{Sender: ptr("+15550009999")},
			setup: func(f *fakeStore) { f.senders = nil }},
		{name: "sender check needs the queue", conv: 1, actions: desk.MacroActions{Sender: ptr("+15550003333")},
			setup: func(f *fakeStore) { delete(f.queues, 1) }, kind: desk.EINVALID, field: "actions.queue_id"},
		{name: "moved to a queue gone meanwhile", conv: 1, actions: desk.MacroActions{QueueID: ptr(desk.ID(3))},
			kind: desk.EINVALID, field: "actions.queue_id"},
		{name: "holder who cannot see the new queue: unassigned", conv: 1,
			actions: desk.MacroActions{QueueID: ptr(desk.ID(2)), AssigneeID: ptr(agent)},
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.After.AssigneeID != nil || w.After.QueueID != 2 {
					t.Errorf("after %+v", w.After)
				}
			}},
		{name: "supervisor holder keeps a queue they are no member of", conv: 1,
			actions: desk.MacroActions{QueueID: ptr(desk.ID(2)), AssigneeID: ptr(supervisor)},
			setup:   func(f *fakeStore) { f.convs[1].AssigneeID = ptr(supervisor) },
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.After.AssigneeID == nil || *w.After.AssigneeID != supervisor {
					t.Errorf("after %+v", w.After)
				}
			}},
		{name: "holder gone: unassigned", conv: 1, actions: desk.MacroActions{QueueID: ptr(desk.ID(2)), AssigneeID: ptr(agent)},
			setup: func(f *fakeStore) { delete(f.agents, agent) },
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.After.AssigneeID != nil {
					t.Errorf("after %+v", w.After)
				}
			}},
		{name: "new assignee must be a member", conv: 1, actions: desk.MacroActions{AssigneeID: ptr(other)},
			kind: desk.EINVALID, field: "actions.assignee_id"},
		{name: "new supervisor assignee must be a member too", conv: 1, actions: desk.MacroActions{AssigneeID: ptr(supervisor)},
			kind: desk.EINVALID, field: "actions.assignee_id"},
		{name: "new unknown assignee", conv: 1, actions: desk.MacroActions{AssigneeID: ptr(desk.ID(99))},
			kind: desk.EINVALID, field: "actions.assignee_id"},
		{name: "new assignee who is a member", conv: 1, actions: desk.MacroActions{AssigneeID: ptr(stranger)},
			check: func(t *testing.T, w *desk.MacroWrite) {
				if *w.After.AssigneeID != stranger {
					t.Errorf("after %+v", w.After)
				}
			}},
		{name: "unknown form", conv: 1, actions: desk.MacroActions{FormID: ptr(desk.ID(6))},
			kind: desk.EINVALID, field: "form_id"},
		{name: "form values without a form", conv: 1, actions: desk.MacroActions{FormValues: map[string]any{"order": "A1"}},
			kind: desk.EINVALID, field: "form_values"},
		{name: "solving with the form incomplete", conv: 1,
			actions: desk.MacroActions{FormID: ptr(desk.ID(5)), Status: ptr(desk.ConversationSolved)},
			kind:    desk.ECONFLICT, code: desk.CodeFormIncomplete, field: "form_values"},
		{name: "solving with the form complete", conv: 1,
			actions: desk.MacroActions{FormID: ptr(desk.ID(5)), FormValues: map[string]any{"order": "A1"}, Status: ptr(desk.ConversationSolved)},
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.After.FormValues["order"] != "A1" || w.Survey {
					t.Errorf("after %+v survey %v", w.After, w.Survey)
				}
			}},
		{name: "survey on solving in a queue that sends them", conv: 4, actions: desk.MacroActions{Status: ptr(desk.ConversationSolved)},
			check: func(t *testing.T, w *desk.MacroWrite) {
				if !w.Survey {
					t.Error("no survey")
				}
			}},
		{name: "no second survey", conv: 4, actions: desk.MacroActions{Status: ptr(desk.ConversationSolved)},
			setup: func(f *fakeStore) { f.convs[4].Survey = &desk.Survey{} },
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.Survey {
					t.Error("survey again")
				}
			}},
		{name: "body into the caller's draft", conv: 1, actions: desk.MacroActions{Body: ptr("On it.")},
			setup: func(f *fakeStore) { f.drafts[1] = &desk.Draft{ConversationID: 1, AgentID: agent, Text: "hi"} },
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.Draft == nil || w.Draft.Text != "On it." || len(w.Changes) != 1 || w.Changes[0].Field != "draft.text" || w.Changes[0].From != "hi" {
					t.Errorf("draft %+v changes %+v", w.Draft, w.Changes)
				}
			}},
		{name: "email subject into the draft", conv: 4, actions: desk.MacroActions{Subject: ptr("Your order")},
			check: func(t *testing.T, w *desk.MacroWrite) {
				if w.Draft == nil || w.Draft.Subject != "Your order" || w.Draft.AgentID != agent {
					t.Errorf("draft %+v", w.Draft)
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.macros[1] = &desk.Macro{ID: 1, Name: "m", Actions: tt.actions}
			if tt.setup != nil {
				tt.setup(f)
			}
			a := &Applier{Store: f, Clock: clock{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
			res, err := a.Apply(asAgent, tt.conv, 1, false)
			if tt.kind != "" {
				if desk.ErrorKind(err) != tt.kind || desk.ErrorCode(err) != tt.code && tt.code != "" || desk.ErrorField(err) != tt.field {
					t.Fatalf("err = %v (kind %s code %s field %s), want %s %s %s", err, desk.ErrorKind(err), desk.ErrorCode(err),
						desk.ErrorField(err), tt.kind, tt.code, tt.field)
				}
				if f.written != nil {
					t.Fatal("a refused macro wrote")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.written == nil || res.Conversation != f.written.After || f.written.Before.ID != tt.conv || f.written.Macro.ID != 1 {
				t.Fatalf("write %+v", f.written)
			}
			if tt.check != nil {
				tt.check(t, f.written)
			}
		})
	}
}

// A preview computes the result and writes nothing; it leaves out what
// only the write decides (queue isolation, membership, forms, surveys).
func TestApplyPreview(t *testing.T) {
	f := newFake()
	f.macros[1] = &desk.Macro{ID: 1, Name: "m", Actions: desk.MacroActions{QueueID: ptr(desk.ID(2)), AssigneeID: ptr(agent), Body: ptr("x")}}
	ctx := desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: agent, Role: desk.RoleAgent})
	res, err := (&Applier{Store: f}).Apply(ctx, 1, 1, true)
	if err != nil || f.written != nil {
		t.Fatalf("%v %+v", err, f.written)
	}
	if res.Conversation.QueueID != 2 || res.Conversation.AssigneeID == nil || res.Draft == nil || len(res.Changes) != 2 {
		t.Fatalf("%+v", res)
	}
}

// The system applies macros without a reply draft; an empty change list
// is a list.
func TestApplyAsSystem(t *testing.T) {
	f := newFake()
	f.macros[1] = &desk.Macro{ID: 1, Name: "m", Actions: desk.MacroActions{Body: ptr("x")}}
	res, err := (&Applier{Store: f}).Apply(desk.NewContextWithActor(context.Background(), desk.SystemActor), 1, 1, false)
	if err != nil || res.Draft != nil || res.Changes == nil || len(res.Changes) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := (&Applier{Store: f}).Apply(context.Background(), 1, 1, false); err == nil {
		t.Fatal("applied without an actor")
	}
}
