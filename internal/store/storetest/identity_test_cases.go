package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// ourWhatsApp is the sender of the identity cases' WhatsApp number.
const ourWhatsApp = "+15550007000"

// ongoingFor lists the customer's ongoing conversations on a channel.
func (f *fixture) ongoingFor(customerID desk.ID, channel string) []*desk.Conversation {
	f.t.Helper()
	var out []*desk.Conversation
	for _, st := range []string{desk.ConversationOpen, desk.ConversationWaiting, desk.ConversationSolved} {
		cs, _, err := f.s.FindConversations(f.sys, desk.ConversationFilter{CustomerID: &customerID, Channel: channel, Status: st, Limit: 100})
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, cs...)
	}
	return out
}

// testIdentityForms: every written form of one number, keyed as the
// server keys it (the channel's country, else the server's; WhatsApp's
// digits as international), reaches one customer and one conversation
// (issue 16, C3, C5, G2), and the contact is shown formatted.
func testIdentityForms(t *testing.T, open Opener) {
	f := newFixture(t, open)
	agent := f.MustAgent("a@example.com", desk.RoleAgent, 1)
	// The agent starts the conversation to a typed number.
	typed, err := phone.Address("to", desk.ChannelWhatsApp, "+1 (202) 555-0177", phone.Context{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.s.StartConversation(f.as(agent), &desk.NewConversation{Channel: desk.ChannelWhatsApp, Sender: ourWhatsApp, ContactAddress: typed})
	if err != nil {
		t.Fatal(err)
	}
	forms := []struct {
		name, in string
		c        phone.Context
	}{
		{"WhatsApp wa_id digits", "12025550177", phone.ForChannel(desk.ChannelWhatsApp, "", "")},
		{"Twilio E.164", "+12025550177", phone.Context{}},
		{"separators", "+1 202-555-0177", phone.Context{}},
		{"00 prefix", "001 202 555 0177", phone.Context{}},
		{"national, server's country", "(202) 555-0177", phone.Context{Region: "US"}},
		{"national, channel's country over the server's", "202.555.0177", phone.ForChannel(desk.ChannelWhatsApp, "US", "GB")},
		{"country code without +, channel in another country", "1 202 555 0177", phone.Context{Region: "GB"}},
	}
	for i, form := range forms {
		key, err := phone.Address("from", desk.ChannelWhatsApp, form.in, form.c)
		if err != nil {
			t.Fatalf("%s: %v", form.name, err)
		}
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: key, To: ourWhatsApp,
			Text: "hi", ExternalID: fmt.Sprintf("form-%d", i)})
		if err != nil {
			t.Fatalf("%s: %v", form.name, err)
		}
		if res.Customer.ID != c.CustomerID || res.Conversation.ID != c.ID || res.NewCustomer || res.NewConversation {
			t.Fatalf("%s (%q keyed %q): customer %s conversation %s, want %s and %s", form.name, form.in, key,
				res.Customer.ID, res.Conversation.ID, c.CustomerID, c.ID)
		}
		if cu, err := f.s.FindCustomerByContact(f.sys, desk.ChannelWhatsApp, key); err != nil || cu.ID != c.CustomerID {
			t.Fatalf("%s: FindCustomerByContact = %v, %v", form.name, cu, err)
		}
	}
	cu, err := f.s.FindCustomerByID(f.sys, c.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cu.Contacts) != 1 || cu.Contacts[0].Address != "+12025550177" || cu.Contacts[0].Display != "+1 202-555-0177" {
		t.Fatalf("contacts = %+v, want one +12025550177 shown +1 202-555-0177", cu.Contacts)
	}
	// People search finds them by any written form of the number.
	for _, q := range []string{"+1 202 555 0177", "+1202555", "001 202 555 0177", "(202) 555-0177", "555 0177"} {
		found, _, err := f.s.FindCustomers(f.sys, desk.CustomerFilter{Query: q})
		if err != nil || len(found) != 1 || found[0].ID != cu.ID {
			t.Fatalf("FindCustomers(%q) = %d customers, %v", q, len(found), err)
		}
	}
	// A People contact typed in another form is the same contact.
	other := &desk.Customer{Name: "Twin", Contacts: []desk.Contact{{Channel: desk.ChannelWhatsApp, Address: "001 (202) 555-0177"}}}
	wantCode(t, f.s.CreateCustomer(f.sys, other), "contact_taken")
	// Without a country the guide's examples are one customer by digits.
	var first desk.ID
	for i, in := range []string{"(800) 100-20000", "800-100-20000", "80010020000", "(800)-100-20000"} {
		key, err := phone.Address("from", desk.ChannelSMS, in, phone.Context{})
		if err != nil || key != "80010020000" {
			t.Fatalf("%q keyed %q, %v", in, key, err)
		}
		res := f.MustIngest(key, fmt.Sprintf("guide-%d", i), "hello", 0)
		if i == 0 {
			first = res.Customer.ID
		} else if res.Customer.ID != first {
			t.Fatalf("%q: another customer", in)
		}
	}
}

// testIdentityProfileName: a provider's profile name fills an unknown
// customer's name, never one an agent set.
func testIdentityProfileName(t *testing.T, open Opener) {
	f := newFixture(t, open)
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "+12025550178", To: ourWhatsApp,
		Text: "hi", ExternalID: "n1", Name: "  Kerry Fisher "})
	if err != nil {
		t.Fatal(err)
	}
	if res.Customer.Name != "Kerry Fisher" || res.Conversation.CustomerName != "Kerry Fisher" {
		t.Fatalf("new customer %q, conversation shows %q", res.Customer.Name, res.Conversation.CustomerName)
	}
	set := "Kerry F. (agent)"
	if _, err := f.s.UpdateCustomer(f.sys, res.Customer.ID, desk.CustomerUpdate{Name: &set}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "+12025550178", To: ourWhatsApp,
		Text: "again", ExternalID: "n2", Name: "kf"}); err != nil {
		t.Fatal(err)
	}
	cu, err := f.s.FindCustomerByID(f.sys, res.Customer.ID)
	if err != nil || cu.Name != set {
		t.Fatalf("name = %q (%v), want the agent's %q", cu.Name, err, set)
	}
	// An unknown customer (no name yet) takes it on a later message.
	unknown := f.MustIngest("+12025550179", "n3", "hi", 0)
	if unknown.Customer.Name != "" {
		t.Fatalf("no name sent, got %q", unknown.Customer.Name)
	}
	res, err = f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "+12025550179", To: "support", Text: "x", ExternalID: "n4", Name: "Lee"})
	if err != nil || res.Customer.Name != "Lee" {
		t.Fatalf("later name: %+v %v", res.Customer, err)
	}

	// Profile data (a Viber avatar and language) fills empty attributes
	// only: an agent's value stays.
	viber := func(ext string, profile map[string]string) *desk.Customer {
		t.Helper()
		res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelViber, From: "01234567890A=", To: "switchboard",
			Text: "hi", ExternalID: ext, Name: "John McClane", Profile: profile})
		if err != nil {
			t.Fatal(err)
		}
		cu, err := f.s.FindCustomerByID(f.sys, res.Customer.ID)
		if err != nil {
			t.Fatal(err)
		}
		return cu
	}
	john := viber("v1", map[string]string{"avatar_url": "http://avatar.example.com", "language": "en"})
	if john.Attributes["avatar_url"] != "http://avatar.example.com" || john.Attributes["language"] != "en" {
		t.Fatalf("profile not stored: %+v", john.Attributes)
	}
	mine := map[string]string{"avatar_url": "https://cdn.example.com/agent-chose.png", "plan": "gold"}
	if _, err := f.s.UpdateCustomer(f.sys, john.ID, desk.CustomerUpdate{Attributes: &mine}); err != nil {
		t.Fatal(err)
	}
	john = viber("v2", map[string]string{"avatar_url": "http://avatar.example.com/new", "language": "de"})
	if john.Attributes["avatar_url"] != "https://cdn.example.com/agent-chose.png" || john.Attributes["plan"] != "gold" || john.Attributes["language"] != "de" {
		t.Fatalf("profile after an agent's edit: %+v", john.Attributes)
	}
}

// testOneOngoingRace: 50 concurrent inbound messages, new-conversation
// requests and reopens for one contact and sender leave exactly one
// ongoing conversation (C4), enforced by the store; the losers get 409s.
func testOneOngoingRace(t *testing.T, open Opener) {
	f := newFixture(t, open)
	agent := f.MustAgent("a@example.com", desk.RoleAgent, 1)
	from := "+12025550180"
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: from, To: ourWhatsApp, Text: "first", ExternalID: "r0"})
	if err != nil {
		t.Fatal(err)
	}
	closed := desk.ConversationClosed
	old := res.Conversation
	if _, err := f.s.UpdateConversation(f.sys, old.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	cust := res.Customer.ID
	forms := []string{"12025550180", "+1 202 555 0180", "001 202 555 0180"}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				key, kerr := phone.Address("from", desk.ChannelWhatsApp, forms[i%len(forms)], phone.ForChannel(desk.ChannelWhatsApp, "", ""))
				if kerr != nil {
					err = kerr
					break
				}
				_, err = f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: key, To: ourWhatsApp,
					Text: "again", ExternalID: fmt.Sprintf("r%d", i+1)})
			case 1:
				_, err = f.s.StartConversation(f.as(agent), &desk.NewConversation{Channel: desk.ChannelWhatsApp, Sender: ourWhatsApp,
					ContactAddress: forms[i%len(forms)]})
			case 2:
				reopen := desk.ConversationOpen
				_, err = f.s.UpdateConversation(f.as(agent), old.ID, desk.ConversationUpdate{Status: &reopen})
			}
			switch desk.ErrorCode(err) {
			case "", desk.CodeOngoingConversation, desk.CodeOngoingWithOtherAgent:
			default:
				errs <- fmt.Errorf("request %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ongoing := f.ongoingFor(cust, desk.ChannelWhatsApp); len(ongoing) != 1 {
		t.Fatalf("%d ongoing conversations, want 1", len(ongoing))
	}
	// A reopen while another is ongoing names the one to continue.
	ongoing := f.ongoingFor(cust, desk.ChannelWhatsApp)[0]
	if ongoing.ID != old.ID {
		reopen := desk.ConversationOpen
		_, err := f.s.UpdateConversation(f.as(agent), old.ID, desk.ConversationUpdate{Status: &reopen})
		wantCode(t, err, desk.CodeOngoingConversation)
		if d, _ := err.(*desk.Error); d == nil || d.Detail["conversation_id"] != ongoing.ID.String() {
			t.Fatalf("409 detail %+v, want conversation %s", err, ongoing.ID)
		}
	}
}

// testIdentityMigration seeds a store with customers split by how their
// number was written before issue 16 (WhatsApp digits beside E.164, typed
// separators), forgets the identity migration and runs it: the customers
// are united (contacts, conversations, tags, attributes; the older
// profile's fields kept), the two ongoing conversations merged into one
// with every message, and timeline events say so.
func testIdentityMigration(t *testing.T, open Opener) {
	f := newFixture(t, open)
	raw := f.s
	db := raw.DB()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`DROP INDEX conversations_one_ongoing`)
	exec(`DELETE FROM schema_migrations WHERE name = '100_identity_rekey.go'`)
	// Ann wrote on WhatsApp before the fix: stored as wa_id digits.
	ann := f.MustIngestOn(desk.ChannelWhatsApp, "+12025550177", "m1")
	exec(`UPDATE contacts SET address = '12025550177' WHERE customer_id = $1`, int64(ann.Customer.ID))
	exec(`UPDATE conversations SET contact_address = '12025550177' WHERE id = $1`, int64(ann.Conversation.ID))
	name, gold := "Ann (agent)", map[string]string{"plan": "gold"}
	tags := []string{"vip"}
	if _, err := f.s.UpdateCustomer(f.sys, ann.Customer.ID, desk.CustomerUpdate{Name: &name, Attributes: &gold, Tags: &tags}); err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE contacts SET address = '12025550177' WHERE customer_id = $1`, int64(ann.Customer.ID)) // UpdateCustomer rewrote them
	// Then an agent's conversation to "+1 202 555 0177" made a second one.
	twin := f.MustIngestOn(desk.ChannelWhatsApp, "+12025550177", "m2")
	if twin.Customer.ID == ann.Customer.ID {
		t.Fatal("the seed did not split the customer")
	}
	other, city := "Someone", map[string]string{"plan": "free", "city": "Paris"}
	moreTags := []string{"new"}
	if _, err := f.s.UpdateCustomer(f.sys, twin.Customer.ID, desk.CustomerUpdate{Name: &other, Attributes: &city, Tags: &moreTags}); err != nil {
		t.Fatal(err)
	}
	// SMS contacts typed with separators, never keyed.
	bob := f.MustIngest("+12125550142", "s1", "hi", 0)
	exec(`UPDATE contacts SET address = '+1 (212) 555-0142' WHERE customer_id = $1`, int64(bob.Customer.ID))
	exec(`UPDATE conversations SET contact_address = '+1 (212) 555-0142' WHERE id = $1`, int64(bob.Conversation.ID))
	guide := f.MustIngest("80010020000", "s2", "hi", 0) // already its key: untouched
	// Our own number stored as typed: on the twin's conversation and as the
	// Default queue's WhatsApp sender.
	exec(`UPDATE conversations SET sender_address = '15550007000' WHERE id = $1`, int64(twin.Conversation.ID))
	exec(`UPDATE queues SET default_senders = '{"whatsapp":"15550007000"}' WHERE is_default`)

	if err := raw.MigrateIdentity(f.sys); err != nil {
		t.Fatal(err)
	}
	if err := raw.MigrateIdentity(f.sys); err != nil { // once only
		t.Fatal(err)
	}
	cu, err := f.s.FindCustomerByContact(f.sys, desk.ChannelWhatsApp, "+12025550177")
	if err != nil || cu.ID != ann.Customer.ID {
		t.Fatalf("the number's customer = %+v, %v; want the older %s", cu, err, ann.Customer.ID)
	}
	if _, err := f.s.FindCustomerByID(f.sys, twin.Customer.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("the twin customer remains: %v", err)
	}
	if cu.Name != name || cu.Attributes["plan"] != "gold" || cu.Attributes["city"] != "Paris" || len(cu.Tags) != 2 ||
		len(cu.Contacts) != 1 || cu.Contacts[0].Address != "+12025550177" {
		t.Fatalf("united customer = %+v", cu)
	}
	ongoing := f.ongoingFor(cu.ID, desk.ChannelWhatsApp)
	if len(ongoing) != 1 || ongoing[0].ID != twin.Conversation.ID || ongoing[0].ContactAddress != "+12025550177" || ongoing[0].SenderAddress != ourWhatsApp {
		t.Fatalf("ongoing = %d, want the newer conversation only", len(ongoing))
	}
	msgs, _, err := f.s.FindMessages(f.sys, ongoing[0].ID, desk.MessageFilter{Limit: 50})
	if err != nil || len(msgs) != 2 {
		t.Fatalf("survivor has %d messages (%v), want both", len(msgs), err)
	}
	merged, err := f.s.FindConversationByID(f.sys, ann.Conversation.ID)
	if err != nil || merged.Status != desk.ConversationClosed || merged.MergedIntoID == nil || *merged.MergedIntoID != twin.Conversation.ID {
		t.Fatalf("older conversation = %+v, %v", merged, err)
	}
	evs, err := f.s.FindEvents(f.sys, twin.Conversation.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.Type] = true
	}
	if !seen[desk.EventCustomerMerged] || !seen[desk.EventMerged] {
		t.Fatalf("events = %v, want customer_merged and merged", seen)
	}
	if b, err := f.s.FindCustomerByContact(f.sys, desk.ChannelSMS, "+12125550142"); err != nil || b.ID != bob.Customer.ID {
		t.Fatalf("re-keyed SMS contact: %+v %v", b, err)
	}
	if c, err := f.s.FindConversationByID(f.sys, bob.Conversation.ID); err != nil || c.ContactAddress != "+12125550142" {
		t.Fatalf("re-keyed conversation: %+v %v", c, err)
	}
	if g, err := f.s.FindCustomerByContact(f.sys, desk.ChannelSMS, "80010020000"); err != nil || g.ID != guide.Customer.ID {
		t.Fatalf("guide number: %+v %v", g, err)
	}
	if q, err := f.s.FindDefaultQueue(f.sys); err != nil || q.DefaultSenders[desk.ChannelWhatsApp] != ourWhatsApp {
		t.Fatalf("queue sender not re-keyed: %+v %v", q, err)
	}
	// The index is back: the merged conversation cannot be reopened.
	reopen := desk.ConversationOpen
	_, err = f.s.UpdateConversation(f.sys, ann.Conversation.ID, desk.ConversationUpdate{Status: &reopen})
	wantCode(t, err, desk.CodeOngoingConversation)
}

// MustIngestOn ingests a text message on a channel from an address.
func (f *fixture) MustIngestOn(channel, from, ext string) *desk.IngestResult {
	f.t.Helper()
	res, err := f.s.IngestMessage(f.sys, &desk.InboundMessage{Channel: channel, From: from, To: ourWhatsApp, Text: "msg " + ext, ExternalID: ext})
	if err != nil {
		f.t.Fatalf("ingest %s: %v", ext, err)
	}
	return res
}

// testIdentityRegionRekey: before the store knew the server's country, a
// People contact typed "(202) 555-0188" was kept as its digits while the
// customer's own SMS arrived as "+12025550188" — two customers, two
// ongoing conversations. The re-key with --phone-region US (run by the
// server at start, once) unites them; a number that is not valid there
// keeps its digits.
func testIdentityRegionRekey(t *testing.T, open Opener) {
	f := newFixture(t, open)
	raw := f.s
	carol := &desk.Customer{Name: "Carol", Contacts: []desk.Contact{{Channel: desk.ChannelSMS, Address: "(202) 555-0188"}}}
	if err := f.s.CreateCustomer(f.sys, carol); err != nil {
		t.Fatal(err)
	}
	if carol.Contacts[0].Address != "2025550188" {
		t.Fatalf("with no country the typed digits are the key, got %q", carol.Contacts[0].Address)
	}
	typed := f.MustIngest("202-555-0188", "r1", "from the typed form", 0)
	if typed.Customer.ID != carol.ID {
		t.Fatalf("the digits did not find Carol: %s", typed.Customer.ID)
	}
	e164 := f.MustIngest("+12025550188", "r2", "from the phone", 0)
	if e164.Customer.ID == carol.ID {
		t.Fatal("the seed did not split the customer")
	}
	short := f.MustIngest("123-45", "r3", "a short code, valid nowhere", 0)

	for range 2 { // once only
		if err := raw.RekeyRegion(f.sys, "US"); err != nil {
			t.Fatal(err)
		}
	}
	cu, err := f.s.FindCustomerByContact(f.sys, desk.ChannelSMS, "+12025550188")
	if err != nil || cu.ID != carol.ID || cu.Name != "Carol" || len(cu.Contacts) != 1 || cu.Contacts[0].Address != "+12025550188" {
		t.Fatalf("the number's customer = %+v, %v; want Carol with one keyed contact", cu, err)
	}
	if _, err := f.s.FindCustomerByID(f.sys, e164.Customer.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("the split customer remains: %v", err)
	}
	ongoing := f.ongoingFor(carol.ID, desk.ChannelSMS)
	if len(ongoing) != 1 || ongoing[0].ContactAddress != "+12025550188" {
		t.Fatalf("ongoing SMS conversations = %d, want one keyed", len(ongoing))
	}
	if msgs, _, err := f.s.FindMessages(f.sys, ongoing[0].ID, desk.MessageFilter{Limit: 50}); err != nil || len(msgs) != 2 {
		t.Fatalf("the surviving conversation has %d messages (%v), want both", len(msgs), err)
	}
	if g, err := f.s.FindCustomerByContact(f.sys, desk.ChannelSMS, "12345"); err != nil || g.ID != short.Customer.ID {
		t.Fatalf("a number not valid in the region changed: %+v, %v", g, err)
	}
}
