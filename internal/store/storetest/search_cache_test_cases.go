package storetest

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSearchCache checks that a repeated search never answers from before
// a write (stores may cache results while the database is unchanged):
// each search is asked twice before the change, then must see it —
// whether the change is a new message, an access change, or a write
// outside the services — and that actors with different access asking the
// same query get their own answers.
func testSearchCache(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	count := func(a *desk.Agent, q string) (convs, msgs, custs int) {
		t.Helper()
		c, m, cu := f.search(f.as(a), q)
		return len(c), len(m), len(cu)
	}
	twice := func(a *desk.Agent, q string, msgs int) {
		t.Helper()
		for i := 0; i < 2; i++ {
			if _, m, _ := count(a, q); m != msgs {
				t.Fatalf("%s searching %q (ask %d): %d messages, want %d", a.Email, q, i+1, m, msgs)
			}
		}
	}
	// Same query, different access, back to back.
	twice(f.salesA, "parcel", 1)
	twice(f.supportA, "parcel", 0)
	twice(f.sup, "parcel", 1)

	// A new message.
	twice(f.sup, "zanzibar", 0)
	f.MustIngest("+4915123456789", "c1", "Shipping to Zanzibar please", f.sales.ID)
	twice(f.sup, "zanzibar", 1)
	twice(f.salesA, "zanz", 1)

	// Access: the support agent joins Sales, then leaves it again.
	twice(f.supportA, "zanzibar", 0)
	if _, err := f.s.UpdateAgent(f.as(f.sup), f.supportA.ID, desk.AgentUpdate{QueueIDs: &[]desk.ID{f.support.ID, f.sales.ID}}); err != nil {
		t.Fatal(err)
	}
	twice(f.supportA, "zanzibar", 1)
	if _, err := f.s.UpdateAgent(f.as(f.sup), f.supportA.ID, desk.AgentUpdate{QueueIDs: &[]desk.ID{f.support.ID}}); err != nil {
		t.Fatal(err)
	}
	twice(f.supportA, "zanzibar", 0)

	// A customer renamed: the customers group follows.
	if _, _, cu := count(f.sup, "pepe"); cu != 0 {
		t.Fatalf("pepe before the rename: %d customers", cu)
	}
	name := "Pepe García"
	if _, err := f.s.UpdateCustomer(f.sys, f.jose.ID, desk.CustomerUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, _, cu := count(f.sup, "pepe"); cu != 1 {
		t.Fatalf("pepe after the rename: %d customers, want 1", cu)
	}

	// A write outside the services, through the store's SQL handle.
	db := f.s
	twice(f.sup, "courier", 0)
	if _, err := db.DB().Exec(`UPDATE messages SET text = $1 WHERE id = $2`, "The courier lost it", int64(f.parcel.ID)); err != nil {
		t.Fatal(err)
	}
	twice(f.sup, "courier", 1)
	twice(f.sup, "parcel", 0)
}

// SearchCacheSeesOtherWriter checks that a search repeated through
// reader sees what writer — another store on the same database (another
// node, or another process on the same SQLite file) — committed: the
// cached result's generation is the database's, not the store's.
func SearchCacheSeesOtherWriter(t *testing.T, reader, writer desk.Store) {
	t.Helper()
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	customers := func() int {
		t.Helper()
		res, err := reader.Search(ctx, desk.SearchQuery{Text: "zanzibar"})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Customers.Items)
	}
	if n, m := customers(), customers(); n != 0 || m != 0 {
		t.Fatalf("before: %d, %d customers", n, m)
	}
	if err := writer.CreateCustomer(ctx, &desk.Customer{Name: "Zanzibar Smith"}); err != nil {
		t.Fatal(err)
	}
	if n := customers(); n != 1 {
		t.Fatalf("after the other store's write: %d customers, want 1", n)
	}
}
