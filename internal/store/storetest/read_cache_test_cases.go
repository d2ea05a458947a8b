package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/gencache"
)

// readCache is what internal/http does with package gencache, over a
// store's Generation: answers keyed by the read and whose access applies.
// Each read reports whether it was answered from the cache.
type readCache struct {
	t     *testing.T
	store desk.Store
	c     *gencache.Cache[readCacheKey, any]
}

type readCacheKey struct {
	agent desk.ID
	role  desk.Role
	read  string
}

func newReadCache(t *testing.T, s desk.Store) *readCache {
	return &readCache{t: t, store: s, c: gencache.New[readCacheKey, any](64, 1<<20, nil)}
}

// do runs fn through the cache as the actor in ctx, under the read's name.
func (rc *readCache) do(ctx context.Context, read string, fn func() (any, error)) (any, bool, error) {
	a, err := desk.RequireActor(ctx)
	if err != nil {
		rc.t.Fatal(err)
	}
	return rc.c.Do(ctx, rc.store.Generation, readCacheKey{agent: a.AgentID, role: a.Role, read: read}, false, fn)
}

// count runs a list read and returns its length; wantHit, when set, is
// whether the answer must come from the cache.
func (rc *readCache) count(ctx context.Context, read string, fn func() (int, error)) (int, bool) {
	rc.t.Helper()
	v, hit, err := rc.do(ctx, read, func() (any, error) { return fn() })
	if err != nil {
		rc.t.Fatalf("%s: %v", read, err)
	}
	return v.(int), hit
}

// testReadCache checks that reads cached under the database's write
// generation (package gencache, as internal/http caches lists, a
// conversation, its messages, a customer, its history and search) are
// served while nothing was written, and never after a write: a new
// message, an access change (an agent added to a queue, then removed), a
// rename, a write outside the services. Actors with different access
// asking the same read get their own answers.
func testReadCache(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	rc := newReadCache(t, f.s)
	list := func(a *desk.Agent) (int, bool) {
		t.Helper()
		return rc.count(f.as(a), "list all", func() (int, error) {
			items, _, err := f.s.FindConversations(f.as(a), desk.ConversationFilter{View: desk.ViewAll})
			return len(items), err
		})
	}
	messages := func(a *desk.Agent, q string) (int, bool) {
		t.Helper()
		return rc.count(f.as(a), "search "+q, func() (int, error) {
			res, err := f.s.Search(f.as(a), desk.SearchQuery{Text: q})
			if err != nil {
				return 0, err
			}
			return len(res.Messages.Items), nil
		})
	}
	thread := func(a *desk.Agent, id desk.ID) (int, bool) {
		t.Helper()
		return rc.count(f.as(a), fmt.Sprint("messages ", id), func() (int, error) {
			items, _, err := f.s.FindMessages(f.as(a), id, desk.MessageFilter{})
			return len(items), err
		})
	}
	history := func(a *desk.Agent, id desk.ID) (int, bool) {
		t.Helper()
		return rc.count(f.as(a), fmt.Sprint("history ", id), func() (int, error) {
			items, _, err := f.s.FindCustomerConversations(f.as(a), id, desk.HistoryFilter{})
			return len(items), err
		})
	}
	// want checks a read asked twice: the first answer is n (computed
	// unless hitFirst), the second the same from the cache.
	want := func(what string, read func() (int, bool), n int, hitFirst bool) {
		t.Helper()
		if got, hit := read(); got != n || hit != hitFirst {
			t.Fatalf("%s: %d (from the cache: %v), want %d (%v)", what, got, hit, n, hitFirst)
		}
		againFromCache(t, what, n, read)
	}
	salesList := func() (int, bool) { return list(f.salesA) }
	supportList := func() (int, bool) { return list(f.supportA) }
	supList := func() (int, bool) { return list(f.sup) }

	// Same read, different access, back to back.
	want("sales agent's list", salesList, 1, false)
	want("support agent's list", supportList, 1, false)
	want("supervisor's list", supList, 2, false)

	// A new conversation and message in Sales.
	want("supervisor's search zanzibar", func() (int, bool) { return messages(f.sup, "zanzibar") }, 0, false)
	want("Anna's thread", func() (int, bool) { return thread(f.sup, f.annaConv.ID) }, 2, false)
	f.MustIngest("+4915123456789", "c1", "Shipping to Zanzibar please", f.sales.ID)
	want("supervisor's search zanzibar after the message", func() (int, bool) { return messages(f.sup, "zanzibar") }, 1, false)
	want("Anna's thread after the message", func() (int, bool) { return thread(f.sup, f.annaConv.ID) }, 3, false)
	want("sales agent's list after the message", salesList, 1, false)

	// Access: the support agent joins Sales, then leaves it again; every
	// read follows at once.
	want("support agent's search", func() (int, bool) { return messages(f.supportA, "zanzibar") }, 0, false)
	setQueues := func(ids ...desk.ID) {
		t.Helper()
		if _, err := f.s.UpdateAgent(f.as(f.sup), f.supportA.ID, desk.AgentUpdate{QueueIDs: &ids}); err != nil {
			t.Fatal(err)
		}
	}
	setQueues(f.support.ID, f.sales.ID)
	want("support agent's list in Sales", supportList, 2, false)
	want("support agent's search in Sales", func() (int, bool) { return messages(f.supportA, "zanzibar") }, 1, false)
	want("support agent's view of Anna's thread in Sales", func() (int, bool) { return thread(f.supportA, f.annaConv.ID) }, 3, false)
	setQueues(f.support.ID)
	want("support agent's list out of Sales", supportList, 1, false)
	want("support agent's search out of Sales", func() (int, bool) { return messages(f.supportA, "zanzibar") }, 0, false)
	if _, _, err := rc.do(f.as(f.supportA), fmt.Sprint("messages ", f.annaConv.ID), func() (any, error) {
		items, _, err := f.s.FindMessages(f.as(f.supportA), f.annaConv.ID, desk.MessageFilter{})
		return len(items), err
	}); desk.ErrorCode(err) != desk.ENOTFOUND {
		t.Fatalf("support agent's view of Anna's thread out of Sales: %v, want %s", err, desk.ENOTFOUND)
	}

	// A customer renamed: the customer and the search follow.
	name := func() string {
		t.Helper()
		v, _, err := rc.do(f.as(f.sup), fmt.Sprint("customer ", f.jose.ID), func() (any, error) {
			c, err := f.s.FindCustomerByID(f.as(f.sup), f.jose.ID)
			if err != nil {
				return nil, err
			}
			return c.Name, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(string)
	}
	want("José's history", func() (int, bool) { return history(f.sup, f.jose.ID) }, 1, false)
	if n := name(); n != "José García" {
		t.Fatalf("before the rename: %q", n)
	}
	renamed := "Pepe García"
	if _, err := f.s.UpdateCustomer(f.sys, f.jose.ID, desk.CustomerUpdate{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if n := name(); n != renamed {
		t.Fatalf("after the rename: %q, want %q", n, renamed)
	}

	// A write outside the services, through the store's SQL handle.
	db := f.s
	want("supervisor's search courier", func() (int, bool) { return messages(f.sup, "courier") }, 0, false)
	want("José's history", func() (int, bool) { return history(f.sup, f.jose.ID) }, 1, false)
	if _, err := db.DB().Exec(`UPDATE messages SET text = $1 WHERE id = $2`, "The courier lost it", int64(f.parcel.ID)); err != nil {
		t.Fatal(err)
	}
	want("supervisor's search courier after the update", func() (int, bool) { return messages(f.sup, "courier") }, 1, false)
	if _, err := db.DB().Exec(`UPDATE conversations SET customer_id = NULL WHERE id = $1`, int64(f.joseConv.ID)); err != nil {
		t.Fatal(err)
	}
	want("José's history after the unlink", func() (int, bool) { return history(f.sup, f.jose.ID) }, 0, false)
}

// ReadCacheSeesOtherWriter checks that reads cached over reader's
// Generation (a list, a customer, a search) see what writer — another
// store on the same database (another node, or another process on the
// same SQLite file) — committed: the generation is the database's, not
// the store's.
func ReadCacheSeesOtherWriter(t *testing.T, reader, writer desk.Store) {
	t.Helper()
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	rc := newReadCache(t, reader)
	read := func(what string, fn func() (int, error)) (int, bool) {
		t.Helper()
		return rc.count(ctx, what, fn)
	}
	search := func() (int, bool) {
		return read("search", func() (int, error) {
			res, err := reader.Search(ctx, desk.SearchQuery{Text: "zanzibar"})
			if err != nil {
				return 0, err
			}
			return len(res.Customers.Items), nil
		})
	}
	customers := func() (int, bool) {
		return read("customers", func() (int, error) {
			items, _, err := reader.FindCustomers(ctx, desk.CustomerFilter{})
			return len(items), err
		})
	}
	for i, r := range []func() (int, bool){search, customers} {
		if n, _ := r(); n != 0 {
			t.Fatalf("read %d before: %d, want 0", i, n)
		}
		againFromCache(t, fmt.Sprint("read ", i), 0, r)
	}
	if err := writer.CreateCustomer(ctx, &desk.Customer{Name: "Zanzibar Smith"}); err != nil {
		t.Fatal(err)
	}
	for i, r := range []func() (int, bool){search, customers} {
		if n, hit := r(); n != 1 || hit {
			t.Fatalf("read %d after the other store's write: %d (from the cache: %v), want 1 computed", i, n, hit)
		}
	}
}

// againFromCache checks that read, asked again with nothing written,
// answers n from the cache. PostgreSQL's generation is the cluster's
// snapshot, which other databases' writes move too (other tests on a
// shared server): a miss is then right, and the read is asked again, up
// to 10 times, until one pair of reads sees no commit between them.
func againFromCache(t *testing.T, what string, n int, read func() (int, bool)) {
	t.Helper()
	for i := 0; i < 10; i++ {
		got, hit := read()
		if got != n {
			t.Fatalf("%s asked again: %d, want %d", what, got, n)
		}
		if hit {
			return
		}
	}
	t.Fatalf("%s asked again 10 times: never from the cache", what)
}
