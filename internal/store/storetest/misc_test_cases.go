package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testMessages(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	c := f.MustIngest("+15550001", "in1", "hello", 0).Conversation
	reply := &desk.Message{ConversationID: c.ID, Text: "Hi, how can I help?"}
	if err := f.s.CreateMessage(f.as(a), reply); err != nil {
		t.Fatal(err)
	}
	if reply.Direction != "out" || reply.DeliveryState != desk.DeliveryQueued || reply.To != "+15550001" || *reply.AuthorID != a.ID {
		t.Fatalf("reply = %+v", reply)
	}
	note := &desk.Message{ConversationID: c.ID, Kind: desk.KindNote, Text: "VIP"}
	if err := f.s.CreateMessage(f.as(a), note); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.CreateMessage(f.as(a), &desk.Message{ConversationID: c.ID, Text: ""}), desk.EINVALID)
	page1, next, err := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{Limit: 2})
	if err != nil || len(page1) != 2 || next == "" || page1[0].Text != "hello" {
		t.Fatalf("page 1: %v %q %v", page1, next, err)
	}
	page2, next, _ := f.s.FindMessages(f.as(a), c.ID, desk.MessageFilter{Limit: 2, Cursor: next})
	if len(page2) != 1 || page2[0].Kind != desk.KindNote || next != "" {
		t.Fatalf("page 2: %v %q", page2, next)
	}
	// The failed-reply rule's view: the reply's conversation, and whether
	// it is the latest of ours (notes do not count); system only.
	if got, latest, err := f.s.FailedReplyConversation(f.sys, reply.ID); err != nil || got.ID != c.ID || !latest {
		t.Fatalf("failed reply conversation: %v %v %v", got, latest, err)
	}
	_, _, err = f.s.FailedReplyConversation(f.as(a), reply.ID)
	wantCode(t, err, desk.EFORBIDDEN)
	again := &desk.Message{ConversationID: c.ID, Text: "Anything else?"}
	if err := f.s.CreateMessage(f.as(a), again); err != nil {
		t.Fatal(err)
	}
	if _, latest, err := f.s.FailedReplyConversation(f.sys, reply.ID); err != nil || latest {
		t.Fatalf("a reply followed by another is not the latest: %v %v", latest, err)
	}
	closed := desk.ConversationClosed
	f.s.UpdateConversation(f.sys, c.ID, desk.ConversationUpdate{Status: &closed})
	wantCode(t, f.s.CreateMessage(f.as(a), &desk.Message{ConversationID: c.ID, Text: "late"}), "conversation_closed")
}

func testSessions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	s1 := &desk.Session{AgentID: a.ID, TokenHash: "h1", ExpiresAt: f.clock.Now().Add(time.Hour)}
	s2 := &desk.Session{AgentID: a.ID, TokenHash: "h2", ExpiresAt: f.clock.Now().Add(time.Hour)}
	if err := f.s.CreateSession(f.sys, s1); err != nil {
		t.Fatal(err)
	}
	f.s.CreateSession(f.sys, s2)
	got, agent, err := f.s.FindSessionByTokenHash(f.sys, "h1")
	if err != nil || got.ID != s1.ID || agent.ID != a.ID {
		t.Fatalf("find session: %v %v %v", got, agent, err)
	}
	f.clock.Add(2 * time.Hour)
	_, _, err = f.s.FindSessionByTokenHash(f.sys, "h1")
	wantCode(t, err, desk.ENOTFOUND)
	f.s.TouchSession(f.sys, s2.ID, f.clock.Now(), f.clock.Now().Add(time.Hour))
	if _, _, err := f.s.FindSessionByTokenHash(f.sys, "h2"); err != nil {
		t.Fatalf("touched session expired: %v", err)
	}
	ids, err := f.s.DeleteAgentSessions(f.sys, a.ID, s2.ID)
	if err != nil || len(ids) != 1 || ids[0] != s1.ID {
		t.Fatalf("revoke others: %v %v", ids, err)
	}
	f.s.DeleteSession(f.sys, s2.ID)
	_, _, err = f.s.FindSessionByTokenHash(f.sys, "h2")
	wantCode(t, err, desk.ENOTFOUND)

	tok := &desk.IntegrationToken{Name: "crm", TokenHash: "ih"}
	if err := f.s.CreateIntegrationToken(f.sys, tok); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.FindIntegrationTokenByHash(f.sys, "ih"); err != nil || got.Name != "crm" || !slices.Equal(got.Scopes, []string{"inbound"}) {
		t.Fatalf("token (no scopes given: inbound): %v %v", got, err)
	}
	scoped := &desk.IntegrationToken{Name: "reader", TokenHash: "ih2", Scopes: []string{"conversations:read", "reports:read"}}
	if err := f.s.CreateIntegrationToken(f.sys, scoped); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.FindIntegrationTokenByHash(f.sys, "ih2"); err != nil || !slices.Equal(got.Scopes, scoped.Scopes) {
		t.Fatalf("scoped token: %+v %v", got, err)
	}
	if all, err := f.s.FindIntegrationTokens(f.sys); err != nil || len(all) != 2 || !slices.Equal(all[1].Scopes, scoped.Scopes) {
		t.Fatalf("tokens: %+v %v", all, err)
	}
	f.s.DeleteIntegrationToken(f.sys, tok.ID)
	_, err = f.s.FindIntegrationTokenByHash(f.sys, "ih")
	wantCode(t, err, desk.ENOTFOUND)
}

func testTags(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.MustIngest("+15550001", "t1", "hi", 0).Conversation
	f.s.UpdateConversation(f.sys, c.ID, desk.ConversationUpdate{Tags: &[]string{"Refund", "urgent"}})
	if _, err := f.s.CreateTag(f.sys, "spare"); err != nil {
		t.Fatal(err)
	}
	tags, _ := f.s.FindTags(f.sys)
	if len(tags) != 3 || tags[0].Name != "refund" || tags[0].Uses != 1 || tags[1].Uses != 0 {
		t.Fatalf("tags = %+v", tags)
	}
	if err := f.s.DeleteTag(f.sys, "refund"); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.FindConversationByID(f.sys, c.ID)
	if len(got.Tags) != 1 || got.Tags[0] != "urgent" {
		t.Fatalf("tag not removed from conversation: %v", got.Tags)
	}
	wantCode(t, f.s.DeleteTag(f.sys, "refund"), desk.ENOTFOUND)
	_, err := f.s.CreateTag(f.sys, "")
	wantCode(t, err, desk.EINVALID)
}
