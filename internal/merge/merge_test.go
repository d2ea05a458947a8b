package merge

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// fakeStore holds conversations and customers and records the write; no
// database.
type fakeStore struct {
	convs     map[desk.ID]*desk.Conversation
	customers map[desk.ID]*desk.Customer
	convMerge *desk.ConversationMerge
	custMerge []desk.ID
}

func (f *fakeStore) FindConversationByID(_ context.Context, id desk.ID) (*desk.Conversation, error) {
	if c, ok := f.convs[id]; ok {
		cp := *c
		return &cp, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "conversation not found")
}

func (f *fakeStore) FindCustomerByID(_ context.Context, id desk.ID) (*desk.Customer, error) {
	if c, ok := f.customers[id]; ok {
		return c, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "customer not found")
}

func (f *fakeStore) WriteConversationMerge(_ context.Context, m *desk.ConversationMerge) (*desk.Conversation, error) {
	f.convMerge = m
	return m.Survivor, nil
}

func (f *fakeStore) WriteCustomerMerge(_ context.Context, id, otherID desk.ID, reason string) (*desk.Customer, error) {
	if reason != "people" {
		return nil, desk.Errorf(desk.EINTERNAL, "reason %q", reason)
	}
	f.custMerge = []desk.ID{id, otherID}
	return f.customers[id], nil
}

func ptr[T any](v T) *T { return &v }

func newFake() *fakeStore {
	closedAt := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return &fakeStore{
		convs: map[desk.ID]*desk.Conversation{
			1: {ID: 1, CustomerID: 7, Status: desk.ConversationOpen, QueueID: 1, AssigneeID: ptr(desk.ID(10)), Summary: "cur",
				Topic: "refund", Priority: desk.PriorityHigh, Tags: []string{"vip"}},
			2: {ID: 2, CustomerID: 7, Status: desk.ConversationSolved, QueueID: 2, AssigneeID: ptr(desk.ID(11)), Summary: "old",
				Priority: desk.PriorityLow, Tags: []string{"billing", "vip"}},
			3: {ID: 3, CustomerID: 8, Status: desk.ConversationOpen, QueueID: 1},
			4: {ID: 4, CustomerID: 7, Status: desk.ConversationClosed, QueueID: 1, ClosedAt: &closedAt},
			5: {ID: 5, Status: desk.ConversationOpen, QueueID: 1},
			6: {ID: 6, Status: desk.ConversationOpen, QueueID: 1},
		},
		customers: map[desk.ID]*desk.Customer{7: {ID: 7, Name: "Ann"}, 8: {ID: 8, Name: "Bob"}},
	}
}

func TestConversationsRules(t *testing.T) {
	agent := desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: 10, Role: desk.RoleAgent})
	for _, tt := range []struct {
		name        string
		ctx         context.Context
		id, other   desk.ID
		kind, code  string
		field       string
		wantWritten bool
	}{
		{name: "no actor", ctx: context.Background(), id: 1, other: 2, kind: desk.EUNAUTHENTICATED},
		{name: "itself", id: 1, other: 1, kind: desk.EINVALID, field: "other_id"},
		{name: "unknown conversation", id: 99, other: 1, kind: desk.ENOTFOUND},
		{name: "unknown other", id: 1, other: 99, kind: desk.EINVALID, field: "other_id"},
		{name: "two customers", id: 1, other: 3, kind: desk.ECONFLICT, code: desk.CodeDifferentCustomers, field: "other_id"},
		{name: "no customer", id: 5, other: 6, kind: desk.ECONFLICT, code: desk.CodeDifferentCustomers, field: "other_id"},
		{name: "closed", id: 4, other: 1, kind: desk.ECONFLICT, code: "conversation_closed"},
		{name: "into an open one, from a closed one", id: 1, other: 4, wantWritten: true},
		{name: "same customer", id: 1, other: 2, wantWritten: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			ctx := tt.ctx
			if ctx == nil {
				ctx = agent
			}
			_, err := (&Service{Store: f}).Conversations(ctx, tt.id, tt.other)
			if tt.kind != "" {
				if desk.ErrorKind(err) != tt.kind || (tt.code != "" && desk.ErrorCode(err) != tt.code) || desk.ErrorField(err) != tt.field {
					t.Fatalf("err = %v (%s %s %s), want %s %s %s", err, desk.ErrorKind(err), desk.ErrorCode(err), desk.ErrorField(err),
						tt.kind, tt.code, tt.field)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if (f.convMerge != nil) != tt.wantWritten {
				t.Fatalf("written %+v", f.convMerge)
			}
		})
	}
}

// The conversation the agent has open survives with its queue, assignee,
// summary, topic and priority and the tags of both; both holders are
// recounted; the inputs are left alone.
func TestPlanConversations(t *testing.T) {
	f := newFake()
	cur, other := f.convs[1], f.convs[2]
	m := PlanConversations(cur, other)
	s := m.Survivor
	if s.ID != 1 || s.QueueID != 1 || *s.AssigneeID != 10 || s.Summary != "cur" || s.Topic != "refund" || s.Priority != desk.PriorityHigh {
		t.Fatalf("survivor %+v", s)
	}
	if !slices.Equal(s.Tags, []string{"billing", "vip"}) && !slices.Equal(s.Tags, []string{"vip", "billing"}) {
		t.Fatalf("tags %v", s.Tags)
	}
	if m.Older != other || len(m.Holders) != 2 || *m.Holders[0] != 10 || *m.Holders[1] != 11 {
		t.Fatalf("plan %+v", m)
	}
	if len(cur.Tags) != 1 {
		t.Fatalf("cur changed: %v", cur.Tags)
	}
}

func TestCustomersRules(t *testing.T) {
	sup := desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: 1, Role: desk.RoleSupervisor})
	agent := desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: 10, Role: desk.RoleAgent})
	for _, tt := range []struct {
		name        string
		ctx         context.Context
		id, other   desk.ID
		kind, field string
	}{
		{name: "agents may not", ctx: agent, id: 7, other: 8, kind: desk.EFORBIDDEN},
		{name: "itself", ctx: sup, id: 7, other: 7, kind: desk.EINVALID, field: "other_id"},
		{name: "unknown customer", ctx: sup, id: 99, other: 7, kind: desk.ENOTFOUND},
		{name: "unknown other", ctx: sup, id: 7, other: 99, kind: desk.EINVALID, field: "other_id"},
		{name: "supervisor", ctx: sup, id: 7, other: 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			_, err := (&Service{Store: f}).Customers(tt.ctx, tt.id, tt.other)
			if desk.ErrorKind(err) != tt.kind || desk.ErrorField(err) != tt.field {
				t.Fatalf("err = %v, want %s %s", err, tt.kind, tt.field)
			}
			if (err == nil) != (f.custMerge != nil) {
				t.Fatalf("written %v", f.custMerge)
			}
		})
	}
}

// keep's fields and attribute values win, gone's fill the gaps;
// contacts of both, keyed, each once; tags united.
func TestUniteCustomers(t *testing.T) {
	keep := &desk.Customer{ID: 1, Name: "Ann", Tags: []string{"vip"}, Attributes: map[string]string{"plan": "gold"},
		Contacts: []desk.Contact{{Channel: desk.ChannelSMS, Address: "+15550001111"}}}
	gone := &desk.Customer{ID: 2, Name: "Anna", City: "Oslo", Tags: []string{"vip", "new"}, Attributes: map[string]string{"plan": "free", "lang": "no"},
		Contacts: []desk.Contact{{Channel: desk.ChannelSMS, Address: "+1 555 000 1111"}, {Channel: desk.ChannelEmail, Address: "ann@example.com"}}}
	got, err := UniteCustomers(keep, gone)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ann" || got.City != "Oslo" || got.Attributes["plan"] != "gold" || got.Attributes["lang"] != "no" || len(got.Tags) != 2 {
		t.Fatalf("%+v", got)
	}
	if len(got.Contacts) != 2 || got.Contacts[0].Address != "+15550001111" || got.Contacts[1].Channel != desk.ChannelEmail {
		t.Fatalf("contacts %+v", got.Contacts)
	}
	if gone.Attributes["plan"] != "free" {
		t.Fatal("gone changed")
	}
	bad := &desk.Customer{Contacts: []desk.Contact{{Channel: "pigeon", Address: "coop 4"}}}
	if _, err := UniteCustomers(&desk.Customer{Name: "x"}, bad); err == nil {
		t.Fatal("united an invalid contact")
	}
}
