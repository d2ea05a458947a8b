package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// searchFixture is a store with three customers, conversations in two
// queues, and agents of each queue.
type searchFixture struct {
	*fixture
	sales, support         *desk.Queue
	sup, salesA, supportA  *desk.Agent
	anna, jose, francois   *desk.Customer
	annaConv, joseConv     *desk.Conversation
	parcel, order, factura *desk.Message
}

func newSearchFixture(t *testing.T, open Opener) *searchFixture {
	f := &searchFixture{fixture: newFixture(t, open)}
	f.sales, f.support = f.MustQueue("Sales"), f.MustQueue("Support")
	f.sup = f.MustAgent("sup@example.com", desk.RoleSupervisor)
	f.salesA = f.MustAgent("sales@example.com", desk.RoleAgent, f.sales.ID)
	f.supportA = f.MustAgent("support@example.com", desk.RoleAgent, f.support.ID)
	f.anna = f.mustCustomer("Anna Müller", desk.Contact{Channel: desk.ChannelSMS, Address: "+49 151 2345 6789"},
		desk.Contact{Channel: desk.ChannelEmail, Address: "Anna.Mueller@Example.com"})
	f.jose = f.mustCustomer("José García", desk.Contact{Channel: desk.ChannelSMS, Address: "(800) 100-20000"})
	f.francois = f.mustCustomer("François Dubois", desk.Contact{Channel: desk.ChannelEmail, Address: "francois@example.org"})
	res := f.MustIngest("+4915123456789", "s1", "Hello, my parcel is délayed since Monday", f.sales.ID)
	f.annaConv, f.parcel = res.Conversation, res.Message
	f.clock.Add(time.Minute)
	f.order = f.MustIngest("+4915123456789", "s2", "Where is ORDER 4711? Please check.", f.sales.ID).Message
	f.clock.Add(time.Minute)
	res = f.MustIngest("80010020000", "s3", "Necesito ayuda con la factura", f.support.ID)
	f.joseConv, f.factura = res.Conversation, res.Message
	topic := "Refund request"
	if _, err := f.s.UpdateConversation(f.sys, f.joseConv.ID, desk.ConversationUpdate{Topic: &topic}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *searchFixture) mustCustomer(name string, contacts ...desk.Contact) *desk.Customer {
	f.t.Helper()
	c := &desk.Customer{Name: name, Contacts: contacts}
	if err := f.s.CreateCustomer(f.sys, c); err != nil {
		f.t.Fatalf("create customer %s: %v", name, err)
	}
	return c
}

// search runs a global search and returns the IDs found in each group.
func (f *searchFixture) search(ctx context.Context, q string) (convs, msgs, custs []desk.ID) {
	f.t.Helper()
	res, err := f.s.Search(ctx, desk.SearchQuery{Text: q})
	if err != nil {
		f.t.Fatalf("search %q: %v", q, err)
	}
	for _, c := range res.Conversations.Items {
		convs = append(convs, c.ID)
	}
	for _, m := range res.Messages.Items {
		msgs = append(msgs, m.ID)
	}
	for _, c := range res.Customers.Items {
		custs = append(custs, c.ID)
	}
	return convs, msgs, custs
}

func testSearch(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	sup := f.as(f.sup)
	ids := func(xs ...desk.ID) []desk.ID { return xs }
	cases := []struct {
		name, q            string
		convs, msgs, custs []desk.ID
	}{
		{"phone as stored", "80010020000", ids(f.joseConv.ID), nil, ids(f.jose.ID)},
		{"phone with brackets", "(800) 100-20000", ids(f.joseConv.ID), nil, ids(f.jose.ID)},
		{"phone with dashes", "800-100-20000", ids(f.joseConv.ID), nil, ids(f.jose.ID)},
		{"phone with bracket dash", "(800)-100-20000", ids(f.joseConv.ID), nil, ids(f.jose.ID)},
		{"phone prefix", "800 100", ids(f.joseConv.ID), nil, ids(f.jose.ID)},
		{"phone international", "+49 151 2345 6789", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"phone national with trunk 0", "0151 23456789", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"phone subscriber part", "2345-6789", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"email", "anna.mueller@example.com", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"email other case", "Anna.Mueller@EXAMPLE.COM", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"email being typed", "mueller@exa", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"name without accent", "muller", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"name upper case", "MÜLLER", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"name and surname", "jose garcia", ids(f.joseConv.ID), nil, ids(f.jose.ID)},
		{"accent typed, none stored", "Françoise", nil, nil, nil},
		{"accent stored, none typed", "francois", nil, nil, ids(f.francois.ID)},
		{"prefix of a name", "mül", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"prefix after a word", "Anna Mu", ids(f.annaConv.ID), nil, ids(f.anna.ID)},
		{"message word with accent", "delayed", nil, ids(f.parcel.ID), nil},
		{"message prefix", "parc", nil, ids(f.parcel.ID), nil},
		{"message words any case", "order 4711", nil, ids(f.order.ID), nil},
		{"topic", "refund", ids(f.joseConv.ID), nil, nil},
		{"no match", "zyxwv", nil, nil, nil},
		{"finished word is not a prefix", "parc check", nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			convs, msgs, custs := f.search(sup, c.q)
			if !slices.Equal(convs, c.convs) || !slices.Equal(msgs, c.msgs) || !slices.Equal(custs, c.custs) {
				t.Fatalf("search %q: conversations %v messages %v customers %v, want %v %v %v", c.q, convs, msgs, custs, c.convs, c.msgs, c.custs)
			}
		})
	}
}

func testSearchAccess(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	cases := []struct {
		name          string
		agent         *desk.Agent
		q             string
		convs, msgs   int
		custsExpected int
	}{
		{"own queue's messages", f.salesA, "parcel", 0, 1, 0},
		{"other queue's messages", f.supportA, "parcel", 0, 0, 0},
		{"own queue's conversations", f.salesA, "muller", 1, 0, 1},
		{"other queue's conversations; people stay visible", f.supportA, "muller", 0, 0, 1},
		{"other queue by phone", f.salesA, "(800) 100-20000", 0, 0, 1},
		{"supervisor sees all", f.sup, "a", 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			convs, msgs, custs := f.search(f.as(c.agent), c.q)
			if len(convs) != c.convs || len(msgs) != c.msgs || len(custs) != c.custsExpected {
				t.Fatalf("%s searching %q: %v %v %v", c.agent.Email, c.q, convs, msgs, custs)
			}
		})
	}
	// A conversation assigned to the agent is visible outside their queues.
	if _, err := f.s.AssignConversation(f.sys, f.joseConv.ID, f.salesA.ID); err == nil {
		if convs, msgs, _ := f.search(f.as(f.salesA), "factura"); len(msgs) != 1 || len(convs) != 0 {
			t.Fatalf("assignee: %v %v", convs, msgs)
		}
	}
	_, err := f.s.SearchInConversation(f.as(f.supportA), f.annaConv.ID, "parcel")
	wantCode(t, err, desk.ENOTFOUND)
}

// testSearchIndexUpkeep checks the indexes follow edits, renames, moves
// and deletions, whatever path wrote them, and survive a rebuild.
func testSearchIndexUpkeep(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	sup := f.as(f.sup)
	expect := func(q string, convs, msgs, custs int) {
		t.Helper()
		c, m, cu := f.search(sup, q)
		if len(c) != convs || len(m) != msgs || len(cu) != custs {
			t.Fatalf("search %q: conversations %v messages %v customers %v, want %d %d %d", q, c, m, cu, convs, msgs, custs)
		}
	}
	name := "Pepe García"
	contacts := []desk.Contact{{Channel: desk.ChannelSMS, Address: "80010020000"}, {Channel: desk.ChannelEmail, Address: "pepe@example.net"}}
	if _, err := f.s.UpdateCustomer(f.sys, f.jose.ID, desk.CustomerUpdate{Name: &name, Contacts: &contacts}); err != nil {
		t.Fatal(err)
	}
	expect("jose", 0, 0, 0)
	expect("pepe", 1, 0, 1)
	expect("pepe@example.net", 1, 0, 1)
	contacts = contacts[1:]
	if _, err := f.s.UpdateCustomer(f.sys, f.jose.ID, desk.CustomerUpdate{Contacts: &contacts}); err != nil {
		t.Fatal(err)
	}
	expect("80010020000", 0, 0, 0)
	topic := "Invoice question"
	if _, err := f.s.UpdateConversation(f.sys, f.joseConv.ID, desk.ConversationUpdate{Topic: &topic}); err != nil {
		t.Fatal(err)
	}
	expect("refund", 0, 0, 0)
	expect("invoice", 1, 0, 0)
	reply := &desk.Message{ConversationID: f.annaConv.ID, Text: "Your parcel ships tomorrow"}
	if err := f.s.CreateMessage(sup, reply); err != nil {
		t.Fatal(err)
	}
	expect("tomorrow", 0, 1, 0)

	db := f.s
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.DB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`UPDATE messages SET text = $1 WHERE id = $2`, "Edited: the courier lost it", int64(f.parcel.ID))
	expect("delayed", 0, 0, 0)
	expect("courier", 0, 1, 0)
	// A merge moves messages between conversations: access follows.
	exec(`UPDATE messages SET conversation_id = $1 WHERE conversation_id = $2`, int64(f.annaConv.ID), int64(f.joseConv.ID))
	if _, m, _ := f.search(f.as(f.salesA), "factura"); len(m) != 1 {
		t.Fatalf("moved message not found by the agent of its new queue: %v", m)
	}
	exec(`DELETE FROM messages WHERE id = $1`, int64(f.order.ID))
	expect("4711", 0, 0, 0)
	exec(`DELETE FROM events WHERE conversation_id = $1`, int64(f.joseConv.ID))
	exec(`DELETE FROM conversations WHERE id = $1`, int64(f.joseConv.ID))
	expect("invoice", 0, 0, 0)
	exec(`DELETE FROM customers WHERE id = $1`, int64(f.francois.ID))
	expect("francois", 0, 0, 0)
	if err := f.s.ReindexSearch(f.sys); err != nil {
		t.Fatal(err)
	}
	expect("courier", 0, 1, 0)
	expect("muller", 1, 0, 1)
	expect("4711", 0, 0, 0)
	wantCode(t, f.s.ReindexSearch(sup), desk.EFORBIDDEN)
}

// testSearchHighlights checks snippets, highlights and D8 offsets.
func testSearchHighlights(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	sup := f.as(f.sup)
	long := strings.Repeat("Lorem ipsum dolor sit amet. ", 12) + "The Zürich invoice is wrong. " + strings.Repeat("Sed do eiusmod. ", 10)
	m := f.MustIngest("+4915123456789", "s9", long, 0).Message
	res, err := f.s.Search(sup, desk.SearchQuery{Text: "zurich invoice", Type: desk.SearchMessages})
	if err != nil || len(res.Messages.Items) != 1 {
		t.Fatalf("search: %v %v", res, err)
	}
	hit := res.Messages.Items[0]
	snip := []rune(hit.Snippet)
	if hit.ID != m.ID || !strings.HasPrefix(hit.Snippet, "…") || !strings.HasSuffix(hit.Snippet, "…") || len(snip) > 170 {
		t.Fatalf("snippet %q", hit.Snippet)
	}
	var marked []string
	for _, s := range hit.Highlights {
		marked = append(marked, string(snip[s.Start:s.End]))
	}
	if !slices.Equal(marked, []string{"Zürich", "invoice"}) {
		t.Fatalf("highlights %v mark %q in %q", hit.Highlights, marked, hit.Snippet)
	}
	if hit.Conversation.ID != f.annaConv.ID || hit.Conversation.CustomerName != "Anna Müller" {
		t.Fatalf("conversation of the hit: %+v", hit.Conversation)
	}

	cases := []struct {
		q    string
		want []string // matched words, in thread order
	}{
		{"o", nil},
		{"or", []string{"ORDER"}},
		{"ORD", []string{"ORDER"}},
		{"order 47", []string{"ORDER", "4711"}},
		{"DÉLAYED", []string{"délayed"}},
		{"zur", []string{"Zürich"}},
		{"nothing", nil},
	}
	for _, c := range cases {
		matches, err := f.s.SearchInConversation(sup, f.annaConv.ID, c.q)
		if err != nil {
			t.Fatalf("in-conversation %q: %v", c.q, err)
		}
		texts := map[desk.ID]string{f.parcel.ID: f.parcel.Text, f.order.ID: f.order.Text, m.ID: long}
		var got []string
		for _, mm := range matches {
			r := []rune(texts[mm.MessageID])
			for _, s := range mm.Spans {
				got = append(got, string(r[s.Start:s.End]))
			}
		}
		if !slices.Equal(got, c.want) {
			t.Fatalf("in-conversation %q: matched %q, want %q", c.q, got, c.want)
		}
	}
}
