package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// IDJump makes the next row of table get an ID from next on (PostgreSQL:
// its sequence), or does nothing where IDs cannot jump (SQLite).
type IDJump func(t *testing.T, s *sqlstore.Store, table string, next int64)

// Settle returns the store to search the seeded data with: PostgreSQL
// refreshes the planner's statistics, so that a word in every record is
// known to be common, and opens the store anew, so that the new
// frequencies are read.
type Settle func(t *testing.T, s *sqlstore.Store) *sqlstore.Store

// SearchRanges checks search over a wide, thinly filled ID space, as a
// store whose index lists matches range by range (SearchSQL.Span) sees it:
// clusters of matches tens of thousands of IDs apart, empty ranges between
// them, visible and hidden matches mixed. Paging through each group as an
// agent must return every visible match exactly once and nothing hidden,
// and a word found only in the oldest cluster must still be found; both
// before and after settle, so with "yak" (in every record) rare to the
// store and then common (on PostgreSQL, 960 messages are enough for a
// walk to beat GIN).
func SearchRanges(t *testing.T, open Opener, jump IDJump, settle Settle) {
	f := newFixture(t, open)
	sales, support := f.MustQueue("Sales"), f.MustQueue("Support")
	agent := f.MustAgent("sales@example.com", desk.RoleAgent, sales.ID)
	wantMsgs, wantConvs, wantCusts := map[desk.ID]bool{}, map[desk.ID]bool{}, map[desk.ID]bool{}
	topic := "yak topic"
	const clusters = 8
	for c := 0; c < clusters; c++ {
		for _, table := range []string{"messages", "conversations", "customers"} {
			jump(t, f.s, table, int64(c+1)*45000)
		}
		for k := 0; k < 6; k++ {
			q, from := sales.ID, fmt.Sprintf("+4915100%02d%02d", c, k)
			if k == 5 {
				q = support.ID // hidden from the agent
			}
			var conv desk.ID
			for i := 0; i < 20; i++ {
				text := fmt.Sprintf("yak number %d", i)
				if c == 0 && i == 0 {
					text += " zebra"
				}
				res := f.MustIngest(from, fmt.Sprintf("r%d-%d-%d", c, k, i), text, q)
				conv = res.Conversation.ID
				if q == sales.ID {
					wantMsgs[res.Message.ID] = true
				}
			}
			if _, err := f.s.UpdateConversation(f.sys, conv, desk.ConversationUpdate{Topic: &topic}); err != nil {
				t.Fatal(err)
			}
			if q == sales.ID {
				wantConvs[conv] = true
			}
		}
		for i := 0; i < 40; i++ {
			wantCusts[f.mustCustomerNamed(fmt.Sprintf("Yakov Cluster%d", c)).ID] = true
		}
	}
	checkSearchRanges(t, f.s, f.as(agent), wantMsgs, wantConvs, wantCusts)
	checkSearchRanges(t, settle(t, f.s), f.as(agent), wantMsgs, wantConvs, wantCusts)
}

// checkSearchRanges pages through each group's matches of "yak" and looks
// for "zebra" (see SearchRanges).
func checkSearchRanges(t *testing.T, s desk.Store, ctx context.Context, wantMsgs, wantConvs, wantCusts map[desk.ID]bool) {
	t.Helper()
	for _, group := range []string{desk.SearchMessages, desk.SearchConversations, desk.SearchCustomers} {
		seen := map[desk.ID]bool{}
		cursor := ""
		for page := 0; page < 50; page++ {
			res, err := s.Search(ctx, desk.SearchQuery{Text: "yak", Type: group, Limit: 50, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			var ids []desk.ID
			switch group {
			case desk.SearchMessages:
				for _, m := range res.Messages.Items {
					ids = append(ids, m.ID)
				}
				cursor = res.Messages.NextCursor
			case desk.SearchConversations:
				for _, c := range res.Conversations.Items {
					ids = append(ids, c.ID)
				}
				cursor = res.Conversations.NextCursor
			default:
				for _, c := range res.Customers.Items {
					ids = append(ids, c.ID)
				}
				cursor = res.Customers.NextCursor
			}
			for _, id := range ids {
				if seen[id] {
					t.Fatalf("%s: %s returned twice", group, id)
				}
				seen[id] = true
			}
			if cursor == "" {
				break
			}
		}
		want := map[string]map[desk.ID]bool{desk.SearchMessages: wantMsgs, desk.SearchConversations: wantConvs, desk.SearchCustomers: wantCusts}[group]
		for id := range seen {
			if !want[id] {
				t.Fatalf("%s: %s found but hidden from the agent or not matching", group, id)
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("%s: paged through %d of %d visible matches", group, len(seen), len(want))
		}
	}
	res, err := s.Search(ctx, desk.SearchQuery{Text: "zebra", Type: desk.SearchMessages})
	if err != nil {
		t.Fatal(err)
	} else if len(res.Messages.Items) != 5 {
		t.Fatalf("zebra, only in the oldest cluster: %d messages, want 5", len(res.Messages.Items))
	}
}

// mustCustomerNamed creates a customer with a name and no contacts.
func (f *fixture) mustCustomerNamed(name string) *desk.Customer {
	f.t.Helper()
	c := &desk.Customer{Name: name}
	if err := f.s.CreateCustomer(f.sys, c); err != nil {
		f.t.Fatalf("create customer %s: %v", name, err)
	}
	return c
}
