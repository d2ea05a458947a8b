package storetest

import (
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// recordChanges collects the store's published changes.
func (f *fixture) recordChanges() func() []desk.Change {
	var mu sync.Mutex
	var got []desk.Change
	f.onChanges(func(chs []desk.Change) { mu.Lock(); got = append(got, chs...); mu.Unlock() })
	return func() []desk.Change { mu.Lock(); defer mu.Unlock(); return append([]desk.Change(nil), got...) }
}

func testStartConversation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q, elsewhere := f.MustQueue("Sales"), f.MustQueue("Elsewhere")
	me := f.MustAgent("me@example.com", desk.RoleAgent, q.ID)
	other := f.MustAgent("other@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	many := &desk.Customer{Name: "Ann", Contacts: []desk.Contact{{Channel: "sms", Address: "+15550101"}, {Channel: "sms", Address: "+15550102"}, {Channel: "email", Address: "ann@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, many); err != nil {
		t.Fatal(err)
	}
	changes := f.recordChanges()
	ctx := f.as(me)

	// Created: defaults, the first message queued, events and changes.
	n := &desk.NewConversation{Channel: "sms", Sender: "brand", ContactAddress: "80010020000", QueueID: q.ID, AssigneeID: &me.ID,
		Tags: []string{"Promo"}, Topic: "Offer", Message: &desk.Message{Text: "Hello"}}
	c, err := f.s.StartConversation(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != desk.ConversationOpen || c.Priority != desk.PriorityNormal || c.ContactAddress != "80010020000" || c.SenderAddress != "brand" ||
		c.CustomerID == 0 || c.AssigneeID == nil || *c.AssigneeID != me.ID || len(c.Tags) != 1 || c.LastMessageAt == nil {
		t.Fatalf("started conversation: %+v", c)
	}
	if n.Message.ID == 0 || n.Message.DeliveryState != desk.DeliveryQueued || n.Message.To != "80010020000" || n.Message.AuthorID == nil {
		t.Fatalf("first message: %+v", n.Message)
	}
	if a, _ := f.s.FindAgentByID(f.sys, me.ID); a.Load != 1 {
		t.Fatalf("assignee load = %d, want 1", a.Load)
	}
	if got := changes(); len(got) != 2 || got[0].Type != desk.ChangeConversationCreated || got[1].Type != desk.ChangeMessageCreated || got[1].MessageID != n.Message.ID {
		t.Fatalf("changes = %+v", got)
	}
	cu, err := f.s.FindCustomerByContact(f.sys, "sms", "(800) 100-20000")
	if err != nil || cu.ID != c.CustomerID {
		t.Fatalf("unknown customer for the typed address: %v %v", cu, err)
	}

	tests := []struct {
		name  string
		ctx   func() *desk.NewConversation
		as    *desk.Agent
		code  string
		field string
		check func(t *testing.T, err error)
	}{
		{"ongoing and mine: continue it", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "brand", ContactAddress: "80010020000", QueueID: q.ID}
		}, me, desk.CodeOngoingConversation, "", func(t *testing.T, err error) {
			d := err.(*desk.Error).Detail
			if d["conversation_id"] != c.ID.String() || d["conversation"] == nil {
				t.Fatalf("detail = %v", d)
			}
		}},
		{"ongoing with another agent: refused naming them", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "brand", CustomerID: c.CustomerID, QueueID: q.ID}
		}, other, desk.CodeOngoingWithOtherAgent, "", func(t *testing.T, err error) {
			d := err.(*desk.Error).Detail
			if d["agent_id"] != me.ID.String() || d["agent_name"] != me.Name {
				t.Fatalf("detail = %v", d)
			}
		}},
		{"several contacts: choose one", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "brand", CustomerID: many.ID, QueueID: q.ID}
		}, me, desk.CodeContactRequired, "contact_address", nil},
		{"contact not the customer's", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "brand", CustomerID: many.ID, ContactAddress: "+19999", QueueID: q.ID}
		}, me, desk.EINVALID, "contact_address", nil},
		{"no contact on the channel", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "viber", Sender: "brand", CustomerID: many.ID, QueueID: q.ID}
		}, me, desk.EINVALID, "contact_address", nil},
		{"unknown customer", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "brand", CustomerID: 999999, QueueID: q.ID}
		}, me, desk.EINVALID, "customer_id", nil},
		{"to missing", func() *desk.NewConversation { return &desk.NewConversation{Channel: "sms", Sender: "brand"} }, me, desk.EINVALID, "to", nil},
		{"bad status", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "b", ContactAddress: "123", Status: "done"}
		}, me, desk.EINVALID, "status", nil},
		{"cc outside email", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "b", ContactAddress: "123", CC: []string{"x@example.com"}}
		}, me, desk.EINVALID, "cc", nil},
		{"agent assigns another", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "b", ContactAddress: "124", QueueID: q.ID, AssigneeID: &other.ID}
		}, me, "assign_not_allowed", "agent_id", nil},
		{"assignee outside the queue", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "b", ContactAddress: "125", QueueID: q.ID, AssigneeID: &sup.ID}
		}, sup, desk.EINVALID, "agent_id", nil},
		{"queue the agent is not in", func() *desk.NewConversation {
			return &desk.NewConversation{Channel: "sms", Sender: "b", ContactAddress: "126", QueueID: elsewhere.ID}
		}, me, desk.EINVALID, "queue_id", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.StartConversation(f.as(tt.as), tt.ctx())
			wantCode(t, err, tt.code)
			if got := desk.ErrorField(err); got != tt.field {
				t.Fatalf("field = %q, want %q", got, tt.field)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}

	// The chosen contact, an email with CC left to the queue, and a new one
	// after close.
	em, err := f.s.StartConversation(ctx, &desk.NewConversation{Channel: "email", Sender: "help@brand.example", CustomerID: many.ID,
		QueueID: q.ID, Unassigned: true, CC: []string{"Boss@Example.com"}, Subject: "Your order", Priority: desk.PriorityHigh, Status: desk.ConversationWaiting})
	if err != nil || em.ContactAddress != "ann@example.com" || em.Subject != "Your order" || len(em.CC) != 1 || em.CC[0] != "boss@example.com" ||
		em.Status != desk.ConversationWaiting || em.Priority != desk.PriorityHigh || em.AssigneeID != nil {
		t.Fatalf("email conversation: %+v %v", em, err)
	}
	two, err := f.s.StartConversation(ctx, &desk.NewConversation{Channel: "sms", Sender: "brand", CustomerID: many.ID, ContactAddress: "+1 555 0102", QueueID: q.ID})
	if err != nil || two.ContactAddress != "+15550102" || two.AssigneeID == nil || *two.AssigneeID != me.ID {
		t.Fatalf("chosen contact, held by the agent who started it: %+v %v", two, err)
	}
	// A supervisor starting one in a queue they are not a member of
	// leaves it to the queue.
	bySup, err := f.s.StartConversation(f.as(sup), &desk.NewConversation{Channel: "sms", Sender: "brand", ContactAddress: "+15550177", QueueID: q.ID})
	if err != nil || bySup.AssigneeID != nil {
		t.Fatalf("supervisor outside the queue: %+v %v", bySup, err)
	}
	closed := desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, c.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	again, err := f.s.StartConversation(f.as(other), &desk.NewConversation{Channel: "sms", Sender: "brand", ContactAddress: "80010020000", QueueID: q.ID})
	if err != nil || again.ID == c.ID || again.CustomerID != c.CustomerID {
		t.Fatalf("after close: %+v %v", again, err)
	}
	if a, _ := f.s.FindAgentByID(f.sys, me.ID); a.Load != 1 {
		t.Fatalf("load after close = %d, want 1 (two)", a.Load)
	}
	evs, _ := f.s.FindEvents(f.sys, again.ID)
	if len(evs) != 1 || evs[0].Type != desk.EventCreated || evs[0].ActorName != other.Name {
		t.Fatalf("events = %+v", evs)
	}
}
