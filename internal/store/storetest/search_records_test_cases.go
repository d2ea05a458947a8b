package storetest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSearchRecords checks what a result page holds: a group's candidates
// are ranked from their indexed text only and the page's records read
// afterwards by ID, so each record must be the whole record (as reading it
// alone returns it), in rank order, with the actor's access applied.
func testSearchRecords(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	sup := f.as(f.sup)
	asJSON := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	res, err := f.s.Search(sup, desk.SearchQuery{Text: "muller"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conversations.Items) != 1 || len(res.Customers.Items) != 1 {
		t.Fatalf("muller: %d conversations, %d customers", len(res.Conversations.Items), len(res.Customers.Items))
	}
	conv, err := f.s.FindConversationByID(sup, f.annaConv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := asJSON(res.Conversations.Items[0]), asJSON(conv); got != want {
		t.Errorf("conversation hit\n got %s\nwant %s", got, want)
	}
	cust, err := f.s.FindCustomerByID(sup, f.anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := asJSON(res.Customers.Items[0]), asJSON(cust); got != want {
		t.Errorf("customer hit\n got %s\nwant %s", got, want)
	}

	// Messages: the whole word first, shorter texts before longer ones, a
	// text with the word as a prefix only last although newest among the
	// sales ones; each with its snippet and conversation.
	f.clock.Add(time.Minute)
	short := f.MustIngest("+4915123456789", "r1", "Order status?", f.sales.ID).Message
	f.clock.Add(time.Minute)
	long := f.MustIngest("+4915123456789", "r2", "all my orders are late, can someone please help me with them", f.sales.ID).Message
	f.clock.Add(time.Minute)
	other := f.MustIngest("80010020000", "r3", "order for the other queue", f.support.ID).Message
	for _, c := range []struct {
		agent *desk.Agent
		want  []desk.ID
	}{{f.sup, []desk.ID{short.ID, other.ID, f.order.ID, long.ID}}, {f.salesA, []desk.ID{short.ID, f.order.ID, long.ID}}, {f.supportA, []desk.ID{other.ID}}} {
		res, err := f.s.Search(f.as(c.agent), desk.SearchQuery{Text: "order", Type: desk.SearchMessages})
		if err != nil {
			t.Fatal(err)
		}
		var got []desk.ID
		for _, h := range res.Messages.Items {
			got = append(got, h.ID)
			if h.Snippet == "" || len(h.Highlights) == 0 || h.Conversation.ID == 0 || h.Kind == "" || h.CreatedAt.IsZero() {
				t.Errorf("%s: message hit %d lacks fields: %+v", c.agent.Email, h.ID, h)
			}
			if h.ID == short.ID && (h.Snippet != "Order status?" || h.Conversation.ID != f.annaConv.ID || h.Conversation.CustomerName != "Anna Müller") {
				t.Errorf("message hit %+v", h)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: order ranked %v, want %v", c.agent.Email, got, c.want)
		}
	}
}
