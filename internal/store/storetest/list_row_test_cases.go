package storetest

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testListRowVersions checks that a list row is never served from the
// list row cache (rows kept under conversations.row_version, migration
// 300) after a change to anything the row shows, whoever made it: each
// change below — through the services or as raw SQL, as another process
// or node would — is followed by a list whose row must show it and must
// equal the row read by ID (which no row cache serves), as must
// FindConversationRow's. Every list is
// read twice before each change, so the rows are cached when it happens.
// FindConversationRows (rows shared with the cache) must list the same
// rows as FindConversations, whose rows are the caller's own: a change
// the caller makes to them must not reach the cache.
func testListRowVersions(t *testing.T, open Opener) {
	f := newSearchFixture(t, open)
	sup := f.as(f.sup)
	db := f.s.DB()
	list := func() map[desk.ID]*desk.Conversation {
		t.Helper()
		rows := map[desk.ID]*desk.Conversation{}
		for _, view := range []string{desk.ViewAll, desk.ViewHistory} {
			for _, sort := range desk.ViewSorts[view] {
				filter := desk.ConversationFilter{View: view, Sort: sort}
				shared, next, err := f.s.FindConversationRows(sup, filter)
				if err != nil {
					t.Fatal(err)
				}
				items, next2, err := f.s.FindConversations(sup, filter)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := json.Marshal(shared)
				want, _ := json.Marshal(items)
				if string(got) != string(want) || next != next2 {
					t.Fatalf("%s/%s: FindConversationRows\n%s\nFindConversations\n%s", view, sort, got, want)
				}
				for i, c := range items {
					rows[c.ID] = shared[i]
					c.Topic = "changed by the caller" // its own copy
				}
			}
		}
		return rows
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	step := func(what string, id desk.ID, change func(), shows func(c *desk.Conversation) bool) {
		t.Helper()
		list()
		list()
		change()
		row := list()[id]
		if row == nil {
			t.Fatalf("%s: conversation %d not listed", what, id)
		}
		if !shows(row) {
			t.Fatalf("%s: the list row does not show it: %+v (last message %+v)", what, row, row.LastMessage)
		}
		fresh, err := f.s.FindConversationByID(sup, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.FillPreviews(sup, fresh); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(row)
		want, _ := json.Marshal(fresh)
		if string(got) != string(want) {
			t.Fatalf("%s: list row\n%s\nread by ID\n%s", what, got, want)
		}
		// The row read alone (a conversation's page) goes through the
		// same cache.
		one, err := f.s.FindConversationRow(sup, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(one); string(got) != string(want) {
			t.Fatalf("%s: FindConversationRow\n%s\nread by ID\n%s", what, got, want)
		}
	}
	anna, jose := f.annaConv.ID, f.joseConv.ID

	step("a conversation's column set by raw SQL", anna, func() {
		exec(`UPDATE conversations SET topic = $1 WHERE id = $2`, "Raw topic", int64(anna))
	}, func(c *desk.Conversation) bool { return c.Topic == "Raw topic" })

	var newest desk.ID
	step("a new message", anna, func() {
		newest = f.MustIngest("+4915123456789", "lr1", "The newest words", f.sales.ID).Message.ID
	}, func(c *desk.Conversation) bool {
		return c.LastMessage != nil && c.LastMessage.Text == "The newest words"
	})

	step("the newest message's text changed by raw SQL", anna, func() {
		exec(`UPDATE messages SET text = $1 WHERE id = $2`, "Edited words", int64(newest))
	}, func(c *desk.Conversation) bool { return c.LastMessage != nil && c.LastMessage.Text == "Edited words" })

	step("the newest message made a failed reply by raw SQL", anna, func() {
		exec(`UPDATE messages SET direction = 'out', delivery_state = $1 WHERE id = $2`, desk.DeliveryFailed, int64(newest))
	}, func(c *desk.Conversation) bool {
		return c.LastOutFailed && c.LastMessage.Direction == desk.DirectionOut
	})

	step("the newest reply delivered after all (raw SQL)", anna, func() {
		exec(`UPDATE messages SET delivery_state = 'delivered' WHERE id = $1`, int64(newest))
	}, func(c *desk.Conversation) bool { return !c.LastOutFailed && c.LastMessage.DeliveryState == "delivered" })

	step("the newest message moved to another conversation by raw SQL", anna, func() {
		exec(`UPDATE messages SET conversation_id = $1 WHERE id = $2`, int64(jose), int64(newest))
	}, func(c *desk.Conversation) bool {
		return c.LastMessage != nil && c.LastMessage.Text == "Where is ORDER 4711? Please check."
	})
	step("… and shown there", jose, func() {}, func(c *desk.Conversation) bool {
		return c.LastMessage != nil && c.LastMessage.Text == "Edited words"
	})

	step("the newest message deleted by raw SQL", jose, func() {
		exec(`DELETE FROM messages WHERE id = $1`, int64(newest))
	}, func(c *desk.Conversation) bool {
		return c.LastMessage != nil && c.LastMessage.Text == "Necesito ayuda con la factura"
	})

	step("a message inserted by raw SQL", jose, func() {
		exec(`INSERT INTO messages (conversation_id, kind, direction, type, text, channel, created_at)
			VALUES ($1, 'message', 'in', 'text', 'Raw words', 'sms', $2)`, int64(jose), f.clock.Now().UnixMicro())
	}, func(c *desk.Conversation) bool { return c.LastMessage != nil && c.LastMessage.Text == "Raw words" })

	renamed := "Pepe García"
	step("the customer renamed", jose, func() {
		if _, err := f.s.UpdateCustomer(f.sys, f.jose.ID, desk.CustomerUpdate{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
	}, func(c *desk.Conversation) bool { return c.CustomerName == renamed })

	step("the customer's name set by raw SQL", anna, func() {
		exec(`UPDATE customers SET name = $1 WHERE id = $2`, "Anna Raw", int64(f.anna.ID))
	}, func(c *desk.Conversation) bool { return c.CustomerName == "Anna Raw" })

	step("the queue renamed by raw SQL", anna, func() {
		exec(`UPDATE queues SET name = $1 WHERE id = $2`, "Sales Raw", int64(f.sales.ID))
	}, func(c *desk.Conversation) bool { return c.QueueName == "Sales Raw" })

	step("an assignee set by raw SQL", anna, func() {
		exec(`UPDATE conversations SET assignee_id = $1 WHERE id = $2`, int64(f.salesA.ID), int64(anna))
	}, func(c *desk.Conversation) bool { return c.AssigneeName == f.salesA.Name })

	step("the assignee renamed by raw SQL", anna, func() {
		exec(`UPDATE agents SET name = $1 WHERE id = $2`, "Agent Raw", int64(f.salesA.ID))
	}, func(c *desk.Conversation) bool { return c.AssigneeName == "Agent Raw" })

	step("tags set", anna, func() {
		tags := []string{"vip"}
		if _, err := f.s.UpdateConversation(f.sys, anna, desk.ConversationUpdate{Tags: &tags}); err != nil {
			t.Fatal(err)
		}
	}, func(c *desk.Conversation) bool { return len(c.Tags) == 1 && c.Tags[0] == "vip" })

	step("closed (moves to the history)", anna, func() {
		closed := string(desk.ConversationClosed)
		if _, err := f.s.UpdateConversation(f.sys, anna, desk.ConversationUpdate{Status: &closed}); err != nil {
			t.Fatal(err)
		}
	}, func(c *desk.Conversation) bool { return c.Status == desk.ConversationClosed && c.ClosedAt != nil })
}
