package http

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/postgres/pgtest"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// storeClock is the store's settable clock: it stamps what the store
// writes (inbound messages) while the server's own rules run on real time.
type storeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *storeClock) Now() time.Time        { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *storeClock) Set(t time.Time)       { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func newStoreClock(t time.Time) *storeClock { return &storeClock{t: t} }

// bothStoresClocked is bothStores with the store on a settable clock.
func bothStoresClocked(t *testing.T, run func(t *testing.T, e *env, clock *storeClock)) {
	t.Run("sqlite", func(t *testing.T) {
		clock := newStoreClock(time.Now())
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), clock)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		run(t, newEnvOn(t, st, Config{BodyLimit: 4096}), clock)
	})
	t.Run("postgres", func(t *testing.T) {
		clock := newStoreClock(time.Now())
		run(t, newEnvOn(t, pgtest.Open(t, clock), Config{BodyLimit: 4096}), clock)
	})
}

// TestWhatsAppWindowPerContact is D6 through the API on both stores: the
// 24-hour window is the WhatsApp contact's, counted from their last
// message on WhatsApp — an SMS from the same customer 25 hours later in
// the same conversation does not open it; it spans conversations (a new
// conversation to a contact who wrote on WhatsApp an hour ago may start
// with free text); the pickers report it.
func TestWhatsAppWindowPerContact(t *testing.T) {
	bothStoresClocked(t, func(t *testing.T, e *env, clock *storeClock) {
		sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
		now := time.Now()
		clock.Set(now.Add(-25 * time.Hour))
		wa, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "+15551110001", To: "+15550400",
			Text: "hello on WhatsApp", ExternalID: "wa-1", QueueID: e.queueA})
		if err != nil {
			t.Fatal(err)
		}
		contacts := []desk.Contact{{Channel: desk.ChannelWhatsApp, Address: "15551110001"}, {Channel: desk.ChannelSMS, Address: "+15551110002"}}
		if _, err := e.store.UpdateCustomer(sys, wa.Customer.ID, desk.CustomerUpdate{Contacts: &contacts}); err != nil {
			t.Fatal(err)
		}
		clock.Set(now.Add(-time.Minute))
		sms, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15551110002", To: "support",
			Text: "now by SMS", ExternalID: "sms-1"})
		if err != nil || sms.Conversation.ID != wa.Conversation.ID {
			t.Fatalf("the SMS should thread into the conversation: %+v %v", sms, err)
		}
		conv := "/api/v1/conversations/" + wa.Conversation.ID.String()
		var pick struct {
			SessionExpired bool       `json:"session_expired"`
			SessionEndsAt  *time.Time `json:"session_ends_at"`
		}
		e.do("GET", conv+"/senders?channel=whatsapp", e.agentA, "", 200, &pick)
		if !pick.SessionExpired || pick.SessionEndsAt == nil || pick.SessionEndsAt.After(now) {
			t.Fatalf("the WhatsApp window should be closed: %+v", pick)
		}
		pick.SessionExpired, pick.SessionEndsAt = true, nil
		e.do("GET", conv+"/senders?channel=sms", e.agentA, "", 200, &pick)
		if pick.SessionExpired || pick.SessionEndsAt != nil {
			t.Fatalf("SMS has no window: %+v", pick)
		}
		var got apiError
		b := e.do("POST", conv+"/messages", e.agentA, `{"channel":"whatsapp","to":"+15551110001","text":"free text"}`, 400, nil)
		json.Unmarshal(b, &got)
		if got.Error.Code != "template_required" || got.Error.Field != "type" {
			t.Fatalf("free text outside the contact's window: %s", b)
		}
		e.do("POST", conv+"/messages", e.agentA, `{"channel":"sms","text":"SMS is fine"}`, 201, nil)

		// The customer writes on WhatsApp again: the window opens for 24 h.
		clock.Set(now)
		if _, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "+15551110001", To: "+15550400",
			Text: "back on WhatsApp", ExternalID: "wa-2"}); err != nil {
			t.Fatal(err)
		}
		e.do("GET", conv+"/senders?channel=whatsapp", e.agentA, "", 200, &pick)
		if pick.SessionExpired || pick.SessionEndsAt == nil || pick.SessionEndsAt.Sub(now.Add(24*time.Hour)).Abs() > time.Second {
			t.Fatalf("open window: %+v", pick)
		}
		e.do("POST", conv+"/messages", e.agentA, `{"channel":"whatsapp","to":"+15551110001","text":"free text now"}`, 201, nil)

		// Across conversations: closed, then a new one to the same contact
		// starts with free text; a contact who never wrote needs a template.
		closed := desk.ConversationClosed
		if _, err := e.store.UpdateConversation(sys, wa.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"whatsapp","sender_address":"15550400","to":"+15551110001","text":"following up"}`, 201, nil)
		b = e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"whatsapp","sender_address":"15550400","to":"15551119999","text":"cold"}`, 400, nil)
		json.Unmarshal(b, &got)
		if got.Error.Code != "template_required" {
			t.Fatalf("a contact who never wrote: %s", b)
		}
		e.do("GET", "/api/v1/senders?channel=whatsapp&to=15551119999", e.agentA, "", 200, &pick)
		if !pick.SessionExpired {
			t.Fatalf("new-conversation picker: %+v", pick)
		}
	})
}
