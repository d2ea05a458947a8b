package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testPeople(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("A"), f.MustQueue("B")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, qa.ID)
	sup := f.MustAgent("s@example.com", desk.RoleSupervisor)
	ctx := f.as(agent)

	// History (F3): newest first, 5 by default, "show more", queue scoping
	// and the channel filter.
	ann := &desk.Customer{Name: "Ann", Tags: []string{"vip"}, Attributes: map[string]string{"plan": "gold", "city": "Paris"},
		Contacts: []desk.Contact{{Channel: "sms", Address: "+15550001"}}}
	if err := f.s.CreateCustomer(f.sys, ann); err != nil {
		t.Fatal(err)
	}
	var ids []desk.ID
	for i := range 7 {
		q := qa.ID
		if i == 3 {
			q = qb.ID // not visible to the agent
		}
		c := f.MustIngest("+15550001", fmt.Sprintf("h%d", i), "hello", q).Conversation
		ids = append(ids, c.ID)
		closed := desk.ConversationClosed
		if _, err := f.s.UpdateConversation(f.sys, c.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
	}
	page, next, err := f.s.FindCustomerConversations(ctx, ann.ID, desk.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 5 || page[0].ID != ids[6] || page[4].ID != ids[1] || next == "" {
		t.Fatalf("first page: %d items, first %v, next %q", len(page), page[0].ID, next)
	}
	rest, next, err := f.s.FindCustomerConversations(ctx, ann.ID, desk.HistoryFilter{Cursor: next})
	if err != nil || len(rest) != 1 || rest[0].ID != ids[0] || next != "" {
		t.Fatalf("show more: %v %v %q", rest, err, next)
	}
	if all, _, _ := f.s.FindCustomerConversations(f.as(sup), ann.ID, desk.HistoryFilter{Limit: 50}); len(all) != 7 {
		t.Fatalf("supervisor sees %d, want 7", len(all))
	}
	if got, _, _ := f.s.FindCustomerConversations(ctx, ann.ID, desk.HistoryFilter{Channel: "email"}); len(got) != 0 {
		t.Fatalf("email filter: %d", len(got))
	}
	_, _, err = f.s.FindCustomerConversations(ctx, ann.ID, desk.HistoryFilter{Channel: "pigeon"})
	wantCode(t, err, desk.EINVALID)
	_, _, err = f.s.FindCustomerConversations(ctx, ann.ID, desk.HistoryFilter{Cursor: "garbage"})
	wantCode(t, err, desk.EINVALID)
	_, _, err = f.s.FindCustomerConversations(ctx, 999999, desk.HistoryFilter{})
	wantCode(t, err, desk.ENOTFOUND)

	// Link / unlink (F2).
	bob := &desk.Customer{Name: "Bob", Tags: []string{"new"}, Attributes: map[string]string{"plan": "free", "lang": "fr"},
		Contacts: []desk.Contact{{Channel: "email", Address: "bob@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, bob); err != nil {
		t.Fatal(err)
	}
	stray := f.MustIngest("+15550777", "s1", "who am I", qa.ID).Conversation
	unknown := stray.CustomerID
	if _, err := f.s.LinkConversation(ctx, stray.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.FindConversationByID(ctx, stray.ID)
	if got.CustomerID != 0 {
		t.Fatalf("unlinked: %+v", got)
	}
	// An unlinked conversation stays editable.
	high := desk.PriorityHigh
	if _, err := f.s.UpdateConversation(ctx, stray.ID, desk.ConversationUpdate{Priority: &high}); err != nil {
		t.Fatal(err)
	}
	// Its address still belongs to the unknown customer: not adopted.
	linked, err := f.s.LinkConversation(ctx, stray.ID, &bob.ID)
	if err != nil || linked.CustomerID != bob.ID {
		t.Fatalf("link: %v %+v", err, linked)
	}
	if owner, _ := f.s.FindCustomerByContact(f.sys, "sms", "+15550777"); owner.ID != unknown {
		t.Fatalf("owner = %v", owner.ID)
	}
	bad := desk.ID(999999)
	_, err = f.s.LinkConversation(ctx, stray.ID, &bad)
	wantCode(t, err, desk.EINVALID)
	hidden := f.MustIngest("+15550778", "s2", "hidden", qb.ID).Conversation
	_, err = f.s.LinkConversation(ctx, hidden.ID, &bob.ID)
	wantCode(t, err, desk.ENOTFOUND)
	if evs, _ := f.s.FindEvents(ctx, stray.ID); evs[len(evs)-1].Type != desk.EventCustomerLinked {
		t.Fatalf("timeline: %+v", evs)
	}

	// Merge profiles (F1): supervisors only; errors first.
	_, err = f.mergeCustomers(ctx, ann.ID, bob.ID)
	wantCode(t, err, desk.EFORBIDDEN)
	sctx := f.as(sup)
	_, err = f.mergeCustomers(sctx, ann.ID, ann.ID)
	wantCode(t, err, desk.EINVALID)
	_, err = f.mergeCustomers(sctx, ann.ID, 999999)
	wantCode(t, err, desk.EINVALID)
	_, err = f.mergeCustomers(sctx, 999999, ann.ID)
	wantCode(t, err, desk.ENOTFOUND)
	changes := f.recordChanges()
	merged, err := f.mergeCustomers(sctx, ann.ID, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Name != "Ann" || len(merged.Contacts) != 2 || len(merged.Tags) != 2 || merged.Attributes["plan"] != "gold" || merged.Attributes["lang"] != "fr" {
		t.Fatalf("merged: %+v", merged)
	}
	_, err = f.s.FindCustomerByID(f.sys, bob.ID)
	wantCode(t, err, desk.ENOTFOUND)
	if owner, _ := f.s.FindCustomerByContact(f.sys, "email", "bob@example.com"); owner == nil || owner.ID != ann.ID {
		t.Fatalf("bob's email owner: %+v", owner)
	}
	if c, _ := f.s.FindConversationByID(ctx, stray.ID); c.CustomerID != ann.ID {
		t.Fatalf("conversation not moved: %+v", c)
	}
	if chs := changes(); len(chs) != 1 || chs[0].ConversationID != stray.ID {
		t.Fatalf("changes: %+v", chs)
	}
	// A fresh conversation linked to a customer adopts its unowned address.
	c := f.MustIngest("+15550779", "s3", "new", qa.ID).Conversation
	if _, err := f.s.LinkConversation(ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateCustomer(f.sys, c.CustomerID, desk.CustomerUpdate{Contacts: &[]desk.Contact{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.LinkConversation(ctx, c.ID, &ann.ID); err != nil {
		t.Fatal(err)
	}
	if owner, err := f.s.FindCustomerByContact(f.sys, "sms", "+15550779"); err != nil || owner.ID != ann.ID {
		t.Fatalf("adopted address owner: %v %v", owner, err)
	}
}
