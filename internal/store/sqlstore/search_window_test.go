package sqlstore_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// windowTableScan matches a plan's line reading a table of the window whole.
var windowTableScan = regexp.MustCompile(`(?m)^SCAN (m|c|cu)( |$)`)

// TestSearchWindowOneStatement checks SQLite's window of each group
// (issue 22): one statement lists the newest matches through FTS5 once,
// returns their extent as a summary row, and reads by primary key only the
// records the actor may see — those of a queue the agent is not in never
// leave SQLite, and the extent counts them all (so windows and cursors are
// what the listing alone gives).
func TestSearchWindowOneStatement(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Open(t, desk.SystemClock{})
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	mine, other := &desk.Queue{Name: "Mine"}, &desk.Queue{Name: "Other"}
	for _, q := range []*desk.Queue{mine, other} {
		if err := s.CreateQueue(sys, q); err != nil {
			t.Fatal(err)
		}
	}
	agent := &desk.Agent{Email: "w@example.com", Name: "W", Role: desk.RoleAgent, Capacity: 5, QueueIDs: []desk.ID{mine.ID}}
	if err := s.CreateAgent(sys, agent); err != nil {
		t.Fatal(err)
	}
	db := s.DB()
	for i, q := range []desk.ID{other.ID, mine.ID, other.ID, other.ID, mine.ID} {
		var conv int64
		if err := db.QueryRow(`INSERT INTO conversations (channel, contact_address, status, priority, queue_id, topic, created_at, updated_at)
			VALUES ('sms', '+1555010' || ?, 'open', 'normal', ?, 'zorblat topic', ?, ?) RETURNING id`, i, int64(q), i, i).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO messages (conversation_id, kind, direction, type, channel, text, created_at) VALUES (?, 'message', 'in', 'text', 'sms', 'zorblat here', ?)`, conv, i); err != nil {
			t.Fatal(err)
		}
	}
	actor := &desk.Actor{AgentID: agent.ID, Role: desk.RoleAgent}
	// A search indexes what was written since the last one (migration 070).
	res, err := s.Search(desk.NewContextWithActor(ctx, actor), desk.SearchQuery{Text: "zorblat"})
	if err != nil {
		t.Fatal(err)
	} else if len(res.Messages.Items) != 2 || len(res.Conversations.Items) != 2 {
		t.Fatalf("the agent found %d messages and %d conversations, want 2 and 2", len(res.Messages.Items), len(res.Conversations.Items))
	}
	for _, group := range []string{desk.SearchMessages, desk.SearchConversations} {
		q, args := sqlstore.SearchWindow(s, group, actor, `"zorblat"`)
		plan := explain(t, db, `EXPLAIN QUERY PLAN `+q, args, 3)
		if strings.Count(plan, "VIRTUAL TABLE INDEX") != 1 || !strings.Contains(plan, "MATERIALIZE f") ||
			!strings.Contains(plan, "USING INTEGER PRIMARY KEY") || windowTableScan.MatchString(plan) {
			t.Errorf("%s: not one listing, then records by primary key:\n%s\n%s", group, plan, q)
		}
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var n, visible int
		for rows.Next() {
			cols, _ := rows.Columns()
			dest := make([]any, len(cols))
			var id, aux int64
			dest[0], dest[1] = &id, &aux
			for i := 2; i < len(dest); i++ {
				dest[i] = new(any)
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			if id <= 0 {
				n = int(-id)
			} else {
				visible++
			}
		}
		rows.Close()
		if n != 5 || visible != 2 {
			t.Errorf("%s: window of %d matches with %d rows read, want 5 and the agent's 2", group, n, visible)
		}
	}
}
