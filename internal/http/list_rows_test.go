package http

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestListRowJSON checks that a list page rendered from cached row JSON is
// byte for byte what encoding the list whole gives, and that a row whose
// version or created_at differs is encoded again.
func TestListRowJSON(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	a := &desk.Conversation{ID: 1, Topic: "<b>&</b> \u2028", CreatedAt: at, Tags: []string{"vip"},
		LastMessage: &desk.MessagePreview{Text: "hi"}, RowVersion: 3}
	b := &desk.Conversation{ID: 2, CreatedAt: at, RowVersion: 0}
	var l listRowJSON
	want := func(items []*desk.Conversation, next string) {
		t.Helper()
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(newList(items, next)); err != nil {
			t.Fatal(err)
		}
		got, err := l.render(items, next)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Fatalf("rendered\n%s\nencoded\n%s", got, buf.Bytes())
		}
	}
	one := func(c *desk.Conversation) {
		t.Helper()
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(c); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			got, err := l.renderOne(c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, buf.Bytes()) {
				t.Fatalf("rendered\n%s\nencoded\n%s", got, buf.Bytes())
			}
		}
	}
	one(a)
	want(nil, "")
	want([]*desk.Conversation{a, b}, "")
	want([]*desk.Conversation{a, b}, `x"<y`) // from the cache
	a2 := *a
	a2.Topic, a2.RowVersion = "changed", 4
	want([]*desk.Conversation{&a2, b}, "")
	b2 := *b
	b2.Topic, b2.CreatedAt = "a new row under a reused ID", at.Add(time.Second)
	want([]*desk.Conversation{b2p(b2), &a2}, "")
}

func b2p(c desk.Conversation) *desk.Conversation { return &c }
