package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testPagination pages every view and sort order three at a time over a
// data set full of ties (equal times, statuses, names, queues; times
// over several minutes) and checks
// the pages join into exactly the view's conversations, each once, in the
// order of the sort key with the ID breaking ties.
func testPagination(t *testing.T, open Opener) {
	f := newFixture(t, open)
	qs := []desk.ID{0, f.MustQueue("beta").ID, f.MustQueue("Alpha").ID}
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	agent := f.MustAgent("agent@example.com", desk.RoleAgent, qs[1])
	ctx := f.as(sup)
	names := []string{"", "Ann", "ann", "Bob", ""}
	statuses := []string{desk.ConversationOpen, desk.ConversationWaiting, desk.ConversationSolved, desk.ConversationClosed}
	for i := 0; i < 23; i++ {
		if i%4 == 0 {
			// Groups of four share a time; the steps (1, 30, 59 s) put
			// several times in one minute and cross minutes, as the
			// pending sorts read a minute at a time where it is indexed
			// (PostgreSQL).
			f.clock.Add(time.Duration(1+i/4%3*29) * time.Second)
		}
		r := f.MustIngest(fmt.Sprintf("+1777%03d", i), fmt.Sprintf("p%d", i), "hi", qs[i%3])
		if r.NewCustomer && names[i%5] != "" {
			if _, err := f.s.UpdateCustomer(f.sys, r.Customer.ID, desk.CustomerUpdate{Name: &names[i%5]}); err != nil {
				t.Fatal(err)
			}
		}
		if st := statuses[i%4]; st != r.Conversation.Status {
			if _, err := f.s.UpdateConversation(ctx, r.Conversation.ID, desk.ConversationUpdate{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 1 && statuses[i%4] != desk.ConversationClosed {
			if _, err := f.s.AssignConversation(ctx, r.Conversation.ID, agent.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Every conversation, read one by one, is the truth the views are checked against.
	var every []*desk.Conversation
	for id := desk.ID(1); ; id++ {
		c, err := f.s.FindConversationByID(f.sys, id)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		every = append(every, c)
	}
	if len(every) < 23 {
		t.Fatalf("found %d conversations, want at least 23", len(every))
	}
	inView := map[string]func(c *desk.Conversation, me desk.ID) bool{
		desk.ViewAll:     func(c *desk.Conversation, _ desk.ID) bool { return c.Status != desk.ConversationClosed },
		desk.ViewHistory: func(c *desk.Conversation, _ desk.ID) bool { return c.Status == desk.ConversationClosed },
		desk.ViewUnassigned: func(c *desk.Conversation, _ desk.ID) bool {
			return c.Status != desk.ConversationClosed && c.AssigneeID == nil
		},
		desk.ViewBots: func(c *desk.Conversation, _ desk.ID) bool { return false },
		desk.ViewMine: func(c *desk.Conversation, me desk.ID) bool {
			return c.Status != desk.ConversationClosed && c.AssigneeID != nil && *c.AssigneeID == me
		},
	}
	for _, who := range []*desk.Agent{sup, agent} {
		for view, sorts := range desk.ViewSorts {
			for _, sort := range sorts {
				var want []*desk.Conversation
				for _, c := range every {
					visible := who.Role != desk.RoleAgent || slices.Contains(who.QueueIDs, c.QueueID) || (c.AssigneeID != nil && *c.AssigneeID == who.ID)
					if visible && inView[view](c, who.ID) {
						want = append(want, c)
					}
				}
				slices.SortFunc(want, sortCompare(sort))
				got := pageAll(t, f, f.as(who), desk.ConversationFilter{View: view, Sort: sort, Limit: 3})
				if fmt.Sprint(ids(got)) != fmt.Sprint(ids(want)) {
					t.Fatalf("%s, view %s, sort %s:\n got %v\nwant %v", who.Email, view, sort, ids(got), ids(want))
				}
			}
		}
	}
	// Page sizes: default 50, capped at 200.
	page, _, err := f.s.FindConversations(ctx, desk.ConversationFilter{View: desk.ViewAll, Limit: 1000})
	if err != nil || len(page) == 0 || len(page) > 200 {
		t.Fatalf("limit 1000: %d, %v", len(page), err)
	}
}

// pageAll follows the cursors of a list to its end, failing on a repeat.
func pageAll(t *testing.T, f *fixture, ctx context.Context, fl desk.ConversationFilter) []*desk.Conversation {
	t.Helper()
	var out []*desk.Conversation
	seen := map[desk.ID]bool{}
	for pages := 0; ; pages++ {
		page, next, err := f.s.FindConversations(ctx, fl)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > fl.Limit || (next != "" && len(page) != fl.Limit) || pages > 100 {
			t.Fatalf("page of %d with limit %d, next %q", len(page), fl.Limit, next)
		}
		for _, c := range page {
			if seen[c.ID] {
				t.Fatalf("conversation %s on two pages (%s/%s)", c.ID, fl.View, fl.Sort)
			}
			seen[c.ID] = true
			out = append(out, c)
		}
		if next == "" {
			return out
		}
		fl.Cursor = next
	}
}

func ids(list []*desk.Conversation) []desk.ID {
	out := make([]desk.ID, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

// sortCompare is the order a sort (C6) promises, ties broken by ID in the
// sort's direction.
func sortCompare(sort string) func(a, b *desk.Conversation) int {
	pending := func(c *desk.Conversation) int64 {
		if c.LastMessageAt != nil {
			return c.LastMessageAt.UnixMicro()
		}
		return c.CreatedAt.UnixMicro()
	}
	closed := func(c *desk.Conversation) int64 { return c.ClosedAt.UnixMicro() }
	queue := func(c *desk.Conversation) string {
		if c.QueueName == desk.DefaultQueueName {
			return "0"
		}
		return "1" + strings.ToLower(c.QueueName)
	}
	then := func(n int, a, b *desk.Conversation, desc bool) int {
		if n == 0 {
			n = int(a.ID - b.ID)
		}
		if desc {
			return -n
		}
		return n
	}
	return func(a, b *desk.Conversation) int {
		switch sort {
		case desk.SortLatestPending:
			return then(cmp64(pending(a), pending(b)), a, b, true)
		case desk.SortStatus:
			return then(strings.Compare(a.Status, b.Status), a, b, false)
		case desk.SortCustomer:
			return then(strings.Compare(strings.ToLower(a.CustomerName), strings.ToLower(b.CustomerName)), a, b, false)
		case desk.SortQueue:
			return then(strings.Compare(queue(a), queue(b)), a, b, false)
		case desk.SortOldestClosed:
			return then(cmp64(closed(a), closed(b)), a, b, false)
		case desk.SortLatestClosed:
			return then(cmp64(closed(a), closed(b)), a, b, true)
		}
		return then(cmp64(pending(a), pending(b)), a, b, false)
	}
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
