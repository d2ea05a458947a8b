package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
)

type convList struct {
	Items []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Topic  string `json:"topic"`
	} `json:"items"`
}

// TestMigrateStoreServesTheSame moves a served SQLite installation to
// PostgreSQL and serves it with --db: the same password logs in, the
// same conversations have the same IDs and threads, search finds the
// same messages and new records continue the IDs.
func TestMigrateStoreServesTheSame(t *testing.T) {
	pgURL := pgtest.FreshSchema(t)
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	for i := 0; i < 12; i++ {
		body := map[string]string{"channel": "api", "from": fmt.Sprintf("+1555010%04d", i%5), "to": "support",
			"text": fmt.Sprintf("parcel mgr%d is late", i), "external_id": fmt.Sprintf("m%d", i)}
		if code := call(t, "POST", p.url+"/api/v1/inbound", token, body, nil); code != 201 {
			t.Fatalf("inbound: %d", code)
		}
	}
	var before convList
	call(t, "GET", p.url+"/api/v1/conversations?view=all&limit=100", token, nil, &before)
	if len(before.Items) != 5 {
		t.Fatalf("%d conversations before, want 5", len(before.Items))
	}
	first := before.Items[0].ID
	if code := call(t, "POST", p.url+"/api/v1/conversations/"+first+"/messages", token, map[string]string{"type": "note", "text": "vip note"}, nil); code != 201 {
		t.Fatalf("note: %d", code)
	}
	var threadBefore map[string]any
	call(t, "GET", p.url+"/api/v1/conversations/"+first+"/messages", token, nil, &threadBefore)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatal(err)
	}

	out := MustRun(t, "migrate-store", "--from", dir, "--to", pgURL, "--batch", "7")
	if !strings.Contains(out, "copied and verified") || !strings.Contains(out, "files: 0 referenced") {
		t.Fatalf("migrate-store said:\n%s", out)
	}
	t.Log(out)

	q := MustServe(t, "--db", pgURL, "--data", dir)
	token = login(t, q.url, "admin@example.com", "admin-password")
	var after convList
	call(t, "GET", q.url+"/api/v1/conversations?view=all&limit=100", token, nil, &after)
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("conversations differ:\nSQLite     %v\nPostgreSQL %v", before, after)
	}
	var threadAfter map[string]any
	call(t, "GET", q.url+"/api/v1/conversations/"+first+"/messages", token, nil, &threadAfter)
	if fmt.Sprint(threadAfter) != fmt.Sprint(threadBefore) {
		t.Fatalf("thread differs:\nSQLite     %v\nPostgreSQL %v", threadBefore, threadAfter)
	}
	var found struct {
		Messages struct {
			Items []struct {
				Snippet string `json:"snippet"`
			} `json:"items"`
		} `json:"messages"`
	}
	call(t, "GET", q.url+"/api/v1/search?q=mgr7", token, nil, &found)
	if len(found.Messages.Items) != 1 || found.Messages.Items[0].Snippet != "parcel mgr7 is late" {
		t.Fatalf("search on PostgreSQL: %+v", found)
	}
	// A new customer's conversation takes the next ID.
	var res struct {
		Message struct {
			ID string `json:"id"`
		} `json:"message"`
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
	}
	body := map[string]string{"channel": "api", "from": "+15550209999", "to": "support", "text": "new", "external_id": "new-1"}
	if code := call(t, "POST", q.url+"/api/v1/inbound", token, body, &res); code != 201 || res.Conversation.ID != "6" || res.Message.ID != "14" {
		t.Fatalf("new conversation after the move: status %d, %+v (want conversation 6, message 14)", code, res)
	}
}
