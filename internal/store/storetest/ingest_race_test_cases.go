package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testIngestOneConversation: messages of one customer without an ongoing
// conversation, arriving at once
// from several of their contacts (on PostgreSQL, several ingest lanes)
// open one conversation between them, never one each.
func testIngestOneConversation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	const contacts = 8
	for round := range 5 {
		cu := &desk.Customer{Name: fmt.Sprintf("Round %d", round)}
		for i := range contacts {
			cu.Contacts = append(cu.Contacts, desk.Contact{Channel: desk.ChannelSMS, Address: fmt.Sprintf("+1555%03d%04d", round, i)})
		}
		if err := f.s.CreateCustomer(f.sys, cu); err != nil {
			t.Fatal(err)
		}
		// A closed conversation a moment ago: the customer's activity is
		// recent, so nothing but the open path's own lock orders the
		// messages below.
		first := f.MustIngest(cu.Contacts[0].Address, fmt.Sprintf("r%d-first", round), "earlier", 0)
		closed := desk.ConversationClosed
		if _, err := f.s.UpdateConversation(f.sys, first.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		got := make([]*desk.IngestResult, contacts)
		errs := make([]error, contacts)
		for i := range contacts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: cu.Contacts[i].Address,
					To: "support", Text: "hello", ExternalID: fmt.Sprintf("r%d-%d", round, i)})
			}()
		}
		wg.Wait()
		opened := 0
		for i := range contacts {
			if errs[i] != nil {
				t.Fatalf("round %d message %d: %v", round, i, errs[i])
			}
			if got[i].NewConversation {
				opened++
			}
			if got[i].Conversation.ID != got[0].Conversation.ID || got[i].Conversation.ID == first.Conversation.ID || got[i].Customer.ID != cu.ID {
				t.Fatalf("round %d: message %d in conversation %v of customer %v, message 0 in %v", round, i,
					got[i].Conversation.ID, got[i].Customer.ID, got[0].Conversation.ID)
			}
		}
		if opened != 1 {
			t.Fatalf("round %d: %d messages say they opened the conversation, want 1", round, opened)
		}
	}
}
