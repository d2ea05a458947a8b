package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSearchInput checks validation, paging, and that no typed text can
// be a syntax error of either index.
func testSearchInput(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	sup := f.as(f.sup)
	bad := []struct {
		q     desk.SearchQuery
		field string
	}{
		{desk.SearchQuery{Text: "   "}, "q"},
		{desk.SearchQuery{Text: strings.Repeat("é", 201)}, "q"},
		{desk.SearchQuery{Text: "a", Type: "agents"}, "type"},
		{desk.SearchQuery{Text: "a", Cursor: "not-a-cursor"}, "cursor"},
	}
	for _, b := range bad {
		_, err := f.s.Search(sup, b.q)
		if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorField(err) != b.field {
			t.Fatalf("search %+v: %v, want invalid %s", b.q, err, b.field)
		}
	}
	_, err := f.s.SearchInConversation(sup, f.annaConv.ID, "")
	wantCode(t, err, "query_required")

	for i := 0; i < 7; i++ {
		f.clock.Add(time.Minute)
		f.MustIngest("80010020000", "z"+string(rune('a'+i)), "zebra crossing number "+string(rune('a'+i)), 0)
	}
	seen := map[desk.ID]bool{}
	cursor := ""
	for page := 0; page < 10; page++ {
		res, err := f.s.Search(sup, desk.SearchQuery{Text: "zebra", Type: desk.SearchMessages, Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Messages.Items {
			if seen[m.ID] {
				t.Fatalf("message %s on two pages", m.ID)
			}
			seen[m.ID] = true
		}
		if cursor = res.Messages.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d of 7 matches", len(seen))
	}

	nasty := []string{`"`, `'`, `*`, `"a`, `a"b`, `AND`, `OR NOT x`, `NEAR(a b)`, `(`, `)`, `-x`, `:*`, `&|!`, `\`, `\'`,
		`a:b`, `^x`, `{a b}`, `x:*`, `'':*`, `<->`, `日本語`, `😀 🚀`, `e\u0301`, "\u0000", `%_`, `$1`, `--`, `;`, `a AND (b OR`}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune(`ab"'*()-:&|!\^{}<>@.+ 0123456789éÜ日😀_%$;` + "\u0301\t")
	for i := 0; i < 150; i++ {
		n := 1 + r.IntN(12)
		s := make([]rune, n)
		for j := range s {
			s[j] = alphabet[r.IntN(len(alphabet))]
		}
		nasty = append(nasty, string(s))
	}
	for _, q := range nasty {
		_, err := f.s.Search(sup, desk.SearchQuery{Text: q})
		if err != nil && desk.ErrorField(err) != "q" {
			t.Fatalf("search %q: %v", q, err)
		}
		if _, err := f.s.SearchInConversation(sup, f.annaConv.ID, q); err != nil && desk.ErrorField(err) != "q" {
			t.Fatalf("in-conversation %q: %v", q, err)
		}
	}
}

// testSearchWindows pages through more matches than one index window
// holds, as an agent who sees half of them: every visible match comes
// exactly once, nothing else does.
func testSearchWindows(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	const each = 140
	for i := 0; i < each; i++ {
		f.MustIngest("+4915123456789", fmt.Sprintf("w%d", i), fmt.Sprintf("yak number %d", i), f.sales.ID)
		f.MustIngest("80010020000", fmt.Sprintf("v%d", i), fmt.Sprintf("yak number %d", i), f.support.ID)
	}
	seen := map[desk.ID]bool{}
	cursor := ""
	for page := 0; page < 20; page++ {
		res, err := f.s.Search(f.as(f.salesA), desk.SearchQuery{Text: "yak", Type: desk.SearchMessages, Limit: 50, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Messages.Items {
			if seen[m.ID] || m.Conversation.ID != f.annaConv.ID {
				t.Fatalf("message %s seen twice or not visible (conversation %s)", m.ID, m.Conversation.ID)
			}
			seen[m.ID] = true
		}
		if cursor = res.Messages.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != each {
		t.Fatalf("paged through %d of %d visible matches", len(seen), each)
	}
}

// testSearchMerge checks that a merge (C8) moves messages in the index's
// eyes too: they are found through the survivor's queue.
func testSearchMerge(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	closed := desk.ConversationClosed
	if _, err := f.s.UpdateConversation(f.sys, f.annaConv.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute)
	later := f.MustIngest("+4915123456789", "m1", "A walrus ate my parcel", f.support.ID).Conversation
	count := func(a *desk.Agent, q string) int {
		_, msgs, _ := f.search(f.as(a), q)
		return len(msgs)
	}
	if count(f.salesA, "delayed") != 1 || count(f.supportA, "delayed") != 0 || count(f.supportA, "walrus") != 1 {
		t.Fatal("before the merge, each queue sees its own conversation's messages")
	}
	if _, err := f.mergeConversations(f.sys, later.ID, f.annaConv.ID); err != nil {
		t.Fatal(err)
	}
	if count(f.salesA, "delayed") != 0 || count(f.supportA, "delayed") != 1 || count(f.supportA, "parcel") != 2 {
		t.Fatalf("after the merge: sales sees %d, support %d delayed, support %d parcel",
			count(f.salesA, "delayed"), count(f.supportA, "delayed"), count(f.supportA, "parcel"))
	}
}

// testSearchLongPrefix checks that a last word longer than the prefix
// indexes cover finds its matches however many newer records share its
// first letters: more than the windows read (maxWindows × candidateWindow
// in sqlstore) match "quabri", one older message "quabrizenjin".
func testSearchLongPrefix(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	f.MustIngest("+4915123456789", "exact", "parcel quabrizenjin77 at the door", f.sales.ID)
	for i := 0; i < 1010; i++ {
		f.MustIngest("+4915123456789", fmt.Sprintf("d%d", i), fmt.Sprintf("quabrizenkala %d", i), f.sales.ID)
	}
	res, err := f.s.Search(f.as(f.salesA), desk.SearchQuery{Text: "quabrizenjin", Type: desk.SearchMessages})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages.Items) != 1 || !strings.Contains(res.Messages.Items[0].Snippet, "quabrizenjin77") {
		t.Fatalf("got %d messages, want the one with quabrizenjin77", len(res.Messages.Items))
	}
}
