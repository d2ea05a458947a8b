package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testQueues(t *testing.T, open Opener) {
	f := newFixture(t, open)
	def, err := f.s.FindDefaultQueue(f.sys)
	if err != nil || !def.IsDefault || def.Name != desk.DefaultQueueName {
		t.Fatalf("default queue: %+v %v", def, err)
	}
	wantCode(t, f.s.DeleteQueue(f.sys, def.ID), "default_queue")
	sales := f.MustQueue("Sales")
	wantCode(t, f.s.CreateQueue(f.sys, &desk.Queue{Name: "Sales"}), "name_taken")
	wantCode(t, f.s.CreateQueue(f.sys, &desk.Queue{Name: "  "}), desk.EINVALID)
	f.MustAgent("a@example.com", desk.RoleAgent)

	list, _, err := f.s.FindQueues(f.sys, desk.QueueFilter{})
	if err != nil || len(list) != 2 || !list[0].IsDefault || list[1].Name != "Sales" {
		t.Fatalf("queues = %+v %v", list, err)
	}
	on := true
	// E4: a default sender must be an address a channel of its kind owns.
	_, err = f.s.UpdateQueue(f.sys, sales.ID, desk.QueueUpdate{DefaultSenders: &map[string]string{"sms": "+15550100"}})
	wantField(t, err, "unknown_sender", "default_senders")
	wantField(t, f.s.CreateQueue(f.sys, &desk.Queue{Name: "Branded", DefaultSenders: map[string]string{"sms": "+15550100"}}), "unknown_sender", "default_senders")
	sms := &desk.ChannelConfig{Kind: desk.ChannelSMS, Provider: "twilio", Name: "SMS", Sender: "+15550100"}
	if err := f.channels().CreateChannel(f.sys, sms); err != nil {
		t.Fatal(err)
	}
	// The WhatsApp channel's address is no SMS sender.
	f.MustChannel("+15550199")
	_, err = f.s.UpdateQueue(f.sys, sales.ID, desk.QueueUpdate{DefaultSenders: &map[string]string{"sms": "+15550199"}})
	wantField(t, err, "unknown_sender", "default_senders")
	q, err := f.s.UpdateQueue(f.sys, sales.ID, desk.QueueUpdate{AutoAssign: &on, DefaultSenders: &map[string]string{"sms": "+15550100"}})
	if err != nil || !q.AutoAssign || q.DefaultSenders["sms"] != "+15550100" {
		t.Fatalf("update queue: %+v %v", q, err)
	}
	// A default kept as it was passes even once its channel is gone.
	if err := f.channels().DeleteChannel(f.sys, sms.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateQueue(f.sys, sales.ID, desk.QueueUpdate{DefaultSenders: &map[string]string{"sms": "+15550100"}}); err != nil {
		t.Fatalf("unchanged stale default: %v", err)
	}
	// A queue holding conversations cannot be deleted; an empty one can.
	res := f.MustIngest("+15550001", "q-1", "hi", sales.ID)
	wantCode(t, f.s.DeleteQueue(f.sys, sales.ID), "queue_not_empty")
	if _, err := f.s.TransferConversation(f.sys, res.Conversation.ID, desk.Transfer{QueueID: &def.ID}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteQueue(f.sys, sales.ID); err != nil {
		t.Fatalf("delete empty queue: %v", err)
	}
	if _, err := f.s.FindQueueByID(f.sys, sales.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("deleted queue found: %v", err)
	}
}

func testAgents(t *testing.T, open Opener) {
	f := newFixture(t, open)
	def, _ := f.s.FindDefaultQueue(f.sys)
	sales := f.MustQueue("Sales")
	a := f.MustAgent("Ann@Example.com", desk.RoleAgent, sales.ID)
	if a.Email != "ann@example.com" || len(a.QueueIDs) != 2 || a.QueueIDs[0] != def.ID {
		t.Fatalf("agent = %+v; want lower-cased email, Default + Sales", a)
	}
	wantCode(t, f.s.CreateAgent(f.sys, &desk.Agent{Email: "ann@example.com", Role: desk.RoleAgent}), "email_taken")
	wantCode(t, f.s.CreateAgent(f.sys, &desk.Agent{Email: "x@example.com", Role: "boss"}), desk.EINVALID)

	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	// Replacing queues keeps the Default queue.
	got, err := f.s.UpdateAgent(f.as(sup), a.ID, desk.AgentUpdate{QueueIDs: &[]desk.ID{}})
	if err != nil || len(got.QueueIDs) != 1 || got.QueueIDs[0] != def.ID {
		t.Fatalf("queues after clearing = %+v %v", got, err)
	}
	wantCode(t, f.s.RemoveQueueMember(f.sys, def.ID, a.ID), "default_queue")
	capacity := -1
	_, err = f.s.UpdateAgent(f.as(sup), a.ID, desk.AgentUpdate{Capacity: &capacity})
	wantCode(t, err, desk.EINVALID)

	// Pagination over agents returns each once.
	for i := 0; i < 5; i++ {
		f.MustAgent("p"+string(rune('a'+i))+"@example.com", desk.RoleAgent)
	}
	seen := map[desk.ID]bool{}
	cur := ""
	for {
		page, next, err := f.s.FindAgents(f.sys, desk.AgentFilter{Limit: 3, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page {
			if seen[x.ID] {
				t.Fatalf("agent %s twice", x.ID)
			}
			seen[x.ID] = true
		}
		if next == "" {
			break
		}
		cur = next
	}
	if len(seen) != 7 {
		t.Fatalf("paged %d agents, want 7", len(seen))
	}
}

func testCustomers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := &desk.Customer{Name: "Zoë Adams", City: "Ljubljana", Tags: []string{"VIP", "vip", "b2b"},
		Attributes: map[string]string{"plan": "gold"},
		Contacts:   []desk.Contact{{Channel: "sms", Address: "(800) 100-20000"}, {Channel: "email", Address: "Zoe@Example.com"}}}
	if err := f.s.CreateCustomer(f.sys, c); err != nil {
		t.Fatal(err)
	}
	if len(c.Tags) != 2 || c.Contacts[0].Address != "80010020000" || c.Contacts[1].Address != "zoe@example.com" {
		t.Fatalf("customer not normalized: %+v", c)
	}
	for _, typed := range []string{"(800) 100-20000", "800-100-20000", "80010020000", "(800)-100-20000"} {
		got, err := f.s.FindCustomerByContact(f.sys, "sms", typed)
		if err != nil || got.ID != c.ID {
			t.Fatalf("find by %q: %v %v", typed, got, err)
		}
	}
	// A taken contact is refused and nothing of the new customer remains.
	dup := &desk.Customer{Name: "Other", Contacts: []desk.Contact{{Channel: "email", Address: "new@example.com"}, {Channel: "sms", Address: "80010020000"}}}
	err := f.s.CreateCustomer(f.sys, dup)
	wantCode(t, err, "contact_taken")
	if desk.ErrorField(err) != "contacts" {
		t.Fatalf("field = %q", desk.ErrorField(err))
	}
	if _, err := f.s.FindCustomerByContact(f.sys, "email", "new@example.com"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("half-written customer left behind: %v", err)
	}
	wantCode(t, f.s.CreateCustomer(f.sys, &desk.Customer{Gender: "robot"}), desk.EINVALID)

	city := "Maribor"
	got, err := f.s.UpdateCustomer(f.sys, c.ID, desk.CustomerUpdate{City: &city, Tags: &[]string{"churn"}})
	if err != nil || got.City != "Maribor" || len(got.Tags) != 1 || got.Tags[0] != "churn" || len(got.Contacts) != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
	list, _, err := f.s.FindCustomers(f.sys, desk.CustomerFilter{Query: "zo"})
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("query by name prefix: %+v %v", list, err)
	}
	list, _, _ = f.s.FindCustomers(f.sys, desk.CustomerFilter{Query: "800-100"})
	if len(list) != 1 {
		t.Fatalf("query by phone prefix found %d", len(list))
	}
	list, _, _ = f.s.FindCustomers(f.sys, desk.CustomerFilter{Tag: "churn"})
	if len(list) != 1 {
		t.Fatalf("filter by tag found %d", len(list))
	}
}
