package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSortKeys checks that the customer and queue sort keys stored on a
// conversation (migration 270, issue 22) follow every change they derive
// from: a customer renamed, a queue renamed, a conversation moved to
// another queue, linked to another customer or to none, customers merged.
// After each change every list sorted by customer or queue, open and
// history, paged two rows at a time, must be in the order of the names
// read back one conversation at a time.
func testSortKeys(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qa, qb := f.MustQueue("Apples"), f.MustQueue("Bananas")
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	ctx := f.as(sup)
	var convs []*desk.Conversation
	for i, name := range []string{"Carol", "alice", "Bob", "dave", "Erin", "frank", "Gus", "hank"} {
		f.clock.Add(time.Second)
		r := f.MustIngest(fmt.Sprintf("+1555000%04d", i), fmt.Sprintf("sk%d", i), "hi", []desk.ID{qa.ID, qb.ID, 0}[i%3])
		if _, err := f.s.UpdateCustomer(f.sys, r.Customer.ID, desk.CustomerUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			closed := desk.ConversationClosed
			if _, err := f.s.UpdateConversation(ctx, r.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
		convs = append(convs, r.Conversation)
	}
	check := func(step string) {
		t.Helper()
		var every []*desk.Conversation
		for _, c := range convs {
			fresh, err := f.s.FindConversationByID(f.sys, c.ID)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			every = append(every, fresh)
		}
		for _, view := range []string{desk.ViewAll, desk.ViewHistory} {
			for _, sort := range []string{desk.SortCustomer, desk.SortQueue} {
				var want []*desk.Conversation
				for _, c := range every {
					if (c.Status == desk.ConversationClosed) == (view == desk.ViewHistory) {
						want = append(want, c)
					}
				}
				slices.SortFunc(want, sortCompare(sort))
				got := pageAll(t, f, ctx, desk.ConversationFilter{View: view, Sort: sort, Limit: 2})
				if fmt.Sprint(ids(got)) != fmt.Sprint(ids(want)) {
					t.Fatalf("%s, view %s, sort %s:\n got %v\nwant %v", step, view, sort, ids(got), ids(want))
				}
			}
		}
	}
	check("seeded")

	zoe := "Zoe"
	if _, err := f.s.UpdateCustomer(f.sys, convs[1].CustomerID, desk.CustomerUpdate{Name: &zoe}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateCustomer(f.sys, convs[0].CustomerID, desk.CustomerUpdate{Name: &zoe}); err != nil {
		t.Fatal(err)
	}
	check("customers renamed")

	zucchini := "zucchini"
	if _, err := f.s.UpdateQueue(f.sys, qa.ID, desk.QueueUpdate{Name: &zucchini}); err != nil {
		t.Fatal(err)
	}
	check("queue renamed")

	for _, i := range []int{0, 2} { // open conversations: from zucchini and Default to Bananas
		if _, err := f.s.TransferConversation(ctx, convs[i].ID, desk.Transfer{QueueID: &qb.ID}); err != nil {
			t.Fatal(err)
		}
	}
	check("conversations moved")

	if _, err := f.s.LinkConversation(ctx, convs[4].ID, &convs[7].CustomerID); err != nil {
		t.Fatal(err)
	}
	check("conversation linked to another customer")

	if _, err := f.s.LinkConversation(ctx, convs[6].ID, nil); err != nil {
		t.Fatal(err)
	}
	check("conversation unlinked: sorted by its contact address")

	if _, err := f.mergeCustomers(ctx, convs[5].CustomerID, convs[3].CustomerID); err != nil {
		t.Fatal(err)
	}
	check("customers merged")
}
