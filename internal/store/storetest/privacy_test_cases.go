package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
)

// PrivacyWords are the words of the customer testErase erases; the
// SQLite raw-file test looks for them in the database files.
var PrivacyWords = []string{"zanzibarquokka", "quokkaprivate", "Quentinzed", "zedtopic"}

// SeedErasable makes a customer to erase: two messages and an admin's
// note with a file (blob key "erasekey1") in a closed conversation with a
// topic, a name, and a second customer whose words must survive
// ("keepsakeword"). It returns the customer to erase and the conversation.
func SeedErasable(t *testing.T, s desk.Store, admin context.Context) (desk.ID, desk.ID) {
	t.Helper()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	in := func(from, ext, text string) *desk.IngestResult {
		res, err := s.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from, To: "support", Text: text, ExternalID: ext})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a := in("+15550101", "e1", "my secret word zanzibarquokka")
	in("+15550101", "e2", "zanzibarquokka again")
	in("+15550202", "k1", "other customer keepsakeword")
	note := &desk.Message{ConversationID: a.Conversation.ID, Kind: desk.KindNote, Text: "note quokkaprivate",
		Attachments: []desk.Attachment{{Name: "id.png", ContentType: "image/png", Size: 4, BlobKey: "erasekey1"}}}
	if err := s.CreateMessage(admin, note); err != nil {
		t.Fatal(err)
	}
	name, topic, closed := "Quentinzed Customer", "zedtopic order", desk.ConversationClosed
	if _, err := s.UpdateCustomer(admin, a.Customer.ID, desk.CustomerUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateConversation(admin, a.Conversation.ID, desk.ConversationUpdate{Topic: &topic, Status: &closed}); err != nil {
		t.Fatal(err)
	}
	return a.Customer.ID, a.Conversation.ID
}

// testErase: erasing a customer removes their words from every read
// path (thread, search, export) and keeps the conversation as a shell;
// admins only; the audit log says who and when.
func testErase(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ps := f.s
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	f.MustAgent("sup@example.com", desk.RoleSupervisor)
	custID, convID := SeedErasable(t, f.s, f.as(admin))

	_, err := ps.EraseCustomer(f.as(admin), 9999)
	wantCode(t, err, "not_found")

	before, err := ps.ExportCustomer(f.as(admin), custID)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Tables["messages"]) != 3 || len(before.Files) != 1 || before.Files[0].BlobKey != "erasekey1" || len(before.Tables["contacts"]) != 1 {
		t.Fatalf("export before erasing: %d messages, files %+v, contacts %v", len(before.Tables["messages"]), before.Files, before.Tables["contacts"])
	}

	er, err := ps.EraseCustomer(f.as(admin), custID)
	if err != nil {
		t.Fatal(err)
	}
	if er.Conversations != 1 || er.Messages != 3 || er.Files != 1 || len(er.BlobKeys) != 1 || er.BlobKeys[0] != "erasekey1" {
		t.Fatalf("erasure: %+v", er)
	}
	msgs, _, err := f.s.FindMessages(f.as(admin), convID, desk.MessageFilter{})
	if err != nil || len(msgs) != 0 {
		t.Fatalf("thread after erasing: %d messages, %v", len(msgs), err)
	}
	conv, err := f.s.FindConversationByID(f.as(admin), convID)
	if err != nil || conv.Status != desk.ConversationClosed || conv.Topic != "" || conv.Channel != desk.ChannelSMS {
		t.Fatalf("shell conversation: %+v, %v", conv, err)
	}
	c, err := f.s.FindCustomerByID(f.as(admin), custID)
	if err != nil || c.Name != "" || len(c.Contacts) != 0 {
		t.Fatalf("shell customer: %+v, %v", c, err)
	}
	for _, w := range append(PrivacyWords, "+15550101", "15550101") {
		res, err := f.s.Search(f.as(admin), desk.SearchQuery{Text: w})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Messages.Items)+len(res.Conversations.Items)+len(res.Customers.Items) != 0 {
			t.Fatalf("search %q after erasing found %+v", w, res)
		}
	}
	if res, err := f.s.Search(f.as(admin), desk.SearchQuery{Text: "keepsakeword"}); err != nil || len(res.Messages.Items) != 1 {
		t.Fatalf("the other customer's message is gone from search: %+v %v", res, err)
	}
	after, err := ps.ExportCustomer(f.as(admin), custID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(after)
	for _, w := range append(PrivacyWords, "15550101") {
		if strings.Contains(string(b), w) {
			t.Fatalf("export after erasing holds %q: %s", w, b)
		}
	}
	typ := desk.AuditCustomerErased
	entries, _, err := f.s.FindAuditEntries(f.as(admin), desk.AuditFilter{Type: &typ})
	if err != nil || len(entries) != 1 || entries[0].ActorID == nil || *entries[0].ActorID != admin.ID {
		t.Fatalf("audit: %+v %v", entries, err)
	}
	if d, _ := json.Marshal(entries[0].Detail); string(d) != `{"customer_id":"`+custID.String()+`"}` && string(d) != `{"customer_id":`+custID.String()+`}` {
		t.Fatalf("audit detail %s: who and when, not what", d)
	}
	// The address is free again: the customer writing anew is a new one.
	res := f.MustIngest("+15550101", "e3", "hello again", 0)
	if res.Customer.ID == custID || !res.NewCustomer {
		t.Fatalf("after erasing, the address still finds customer %s", res.Customer.ID)
	}
}

// testRetention: a queue's policy deletes closed conversations after
// closed_days and their files after file_days; the dry run counts exactly
// what the run deletes.
func testRetention(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ps := f.s
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	q := f.MustQueue("Sales")
	ctx := f.as(admin)

	wantCode(t, ps.SetRetentionPolicy(ctx, desk.RetentionPolicy{QueueID: q.ID, ClosedDays: -1}), "invalid")
	wantCode(t, ps.SetRetentionPolicy(ctx, desk.RetentionPolicy{QueueID: 9999, ClosedDays: 30}), "not_found")
	if err := ps.SetRetentionPolicy(ctx, desk.RetentionPolicy{QueueID: q.ID, ClosedDays: 30, FileDays: 7}); err != nil {
		t.Fatal(err)
	}
	pols, err := ps.FindRetentionPolicies(ctx)
	if err != nil || len(pols) != 2 || pols[1] != (desk.RetentionPolicy{QueueID: q.ID, ClosedDays: 30, FileDays: 7}) {
		t.Fatalf("policies: %+v %v", pols, err)
	}
	closed := desk.ConversationClosed
	conv := func(from string, queue desk.ID, close bool) desk.ID {
		res := f.MustIngest(from, from, "text of "+from, queue)
		note := &desk.Message{ConversationID: res.Conversation.ID, Kind: desk.KindNote, Text: "n",
			Attachments: []desk.Attachment{{Name: "f.txt", ContentType: "text/plain", Size: 1, BlobKey: "key" + strings.TrimPrefix(from, "+")}}}
		if err := f.s.CreateMessage(ctx, note); err != nil {
			t.Fatal(err)
		}
		if close {
			if _, err := f.s.UpdateConversation(ctx, res.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
		return res.Conversation.ID
	}
	old := conv("+15550301", q.ID, true)       // closed at day 0: deleted at day 31
	other := conv("+15550302", 0, true)        // Default queue, no policy: kept
	f.clock.Add(20 * 24 * time.Hour)           //
	recent := conv("+15550303", q.ID, true)    // closed at day 20: files gone at day 31
	open_ := conv("+15550304", q.ID, false)    // open: kept
	f.clock.Add(11*24*time.Hour + time.Minute) // day 31
	// Their report facts, in the rollups: a deleted conversation leaves
	// both, so reports from cells and from facts still agree.
	if err := f.s.RefreshReportFacts(f.sys, []desk.ID{old, other, recent, open_}); err != nil {
		t.Fatal(err)
	}
	total := func(source string) int {
		rows, err := report.Run(f.as(sup), f.s, report.Request{From: f.clock.Now().Add(-40 * 24 * time.Hour).Truncate(time.Hour).UTC().Format(time.RFC3339),
			To: f.clock.Now().Add(24 * time.Hour).Truncate(time.Hour).UTC().Format(time.RFC3339), Group: report.GroupNone, Source: source})
		if err != nil || len(rows) != 1 {
			t.Fatalf("report from %s: %v %v", source, rows, err)
		}
		return rows[0].ConversationsIn
	}
	if a, b := total(report.SourceFacts), total(report.SourceRollup); a != 4 || b != 4 {
		t.Fatalf("before retention: %d conversations in from facts, %d from rollups, want 4", a, b)
	}
	dry, err := ps.ApplyRetention(f.sys, f.clock.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Conversations != 1 || dry.Files != 2 {
		t.Fatalf("dry run: %+v, want 1 conversation and 2 files", dry)
	}
	if again, _ := ps.ApplyRetention(f.sys, f.clock.Now(), true); again.Conversations != dry.Conversations || again.Files != dry.Files {
		t.Fatalf("a dry run changed something: %+v then %+v", dry, again)
	}
	res, err := ps.ApplyRetention(f.sys, f.clock.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Conversations != dry.Conversations || res.Files != dry.Files || len(res.BlobKeys) != 2 {
		t.Fatalf("run %+v does not match the dry run %+v", res, dry)
	}
	if _, err := f.s.FindConversationByID(ctx, old); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("the old closed conversation is still there: %v", err)
	}
	for _, id := range []desk.ID{other, recent, open_} {
		if _, err := f.s.FindConversationByID(ctx, id); err != nil {
			t.Fatalf("conversation %s deleted: %v", id, err)
		}
	}
	msgs, _, err := f.s.FindMessages(ctx, recent, desk.MessageFilter{})
	if err != nil || len(msgs) != 2 || len(msgs[1].Attachments) != 1 || msgs[1].Attachments[0].Refused != "expired" {
		t.Fatalf("recent conversation's file after its file_days: %+v %v", msgs, err)
	}
	msgs, _, _ = f.s.FindMessages(ctx, open_, desk.MessageFilter{})
	if len(msgs) != 2 || msgs[1].Attachments[0].Refused != "" {
		t.Fatalf("an open conversation's file expired: %+v", msgs)
	}
	if a, b := total(report.SourceFacts), total(report.SourceRollup); a != 3 || b != 3 {
		t.Fatalf("after retention: %d conversations in from facts, %d from rollups, want 3", a, b)
	}
	if after, _ := ps.ApplyRetention(f.sys, f.clock.Now(), true); after.Conversations != 0 || after.Files != 0 {
		t.Fatalf("due after the run: %+v", after)
	}
}
