package http

import (
	"os"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestWhatsAppReplyFindsAgentStartedConversation is issue 16 end to end
// over the API and a signed webhook: an agent starts a WhatsApp
// conversation to "+1 202 555 0177"; the customer's reply arrives as
// Meta sends it (from "12025550177", without "+", with a profile name)
// and lands in that conversation; the customer gets the name, one
// customer and one conversation in all, the number shown formatted.
func TestWhatsAppReplyFindsAgentStartedConversation(t *testing.T) {
	for name, e := range map[string]*env{"sqlite": newEnv(t), "postgres": newPGEnv(t)} {
		t.Run(name, func(t *testing.T) {
			c := e.mustWhatsAppChannel()
			var started desk.Conversation
			e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"whatsapp","sender_address":"15550783881","to":"+1 202 555 0177","queue_id":"`+e.queueA.String()+`"}`, 201, &started)
			if started.ContactAddress != "+12025550177" || started.ContactDisplay != "+1 202-555-0177" || started.SenderAddress != "+15550783881" {
				t.Fatalf("started = %+v", started)
			}
			body, err := os.ReadFile("testdata/whatsapp/reply_12025550177.json")
			if err != nil {
				t.Fatal(err)
			}
			e.webhook(c.WebhookPath, string(body), whatsapp.Sign(waSecret, body), 200)

			var msgs list[desk.Message]
			e.do("GET", "/api/v1/conversations/"+started.ID.String()+"/messages", e.agentA, "", 200, &msgs)
			if len(msgs.Items) != 1 || msgs.Items[0].Text != "Yes, the blue one please." || msgs.Items[0].Direction != desk.DirectionIn {
				t.Fatalf("the reply is not in the agent's conversation: %+v", msgs.Items)
			}
			var convs list[desk.Conversation]
			e.do("GET", "/api/v1/conversations?view=all", e.admin, "", 200, &convs)
			n := 0
			for _, cv := range convs.Items {
				if cv.Channel == desk.ChannelWhatsApp {
					n++
					if cv.ID != started.ID || cv.CustomerName != "Kerry Fisher" {
						t.Fatalf("whatsapp conversation %+v", cv)
					}
				}
			}
			if n != 1 {
				t.Fatalf("%d WhatsApp conversations, want 1", n)
			}
			var cu desk.Customer
			e.do("GET", "/api/v1/customers/"+started.CustomerID.String(), e.agentA, "", 200, &cu)
			if cu.Name != "Kerry Fisher" || len(cu.Contacts) != 1 || cu.Contacts[0].Display != "+1 202-555-0177" {
				t.Fatalf("customer = %+v", cu)
			}
			var people list[desk.Customer]
			e.do("GET", "/api/v1/customers?q=Kerry", e.agentA, "", 200, &people)
			if len(people.Items) != 1 {
				t.Fatalf("%d customers named Kerry, want 1", len(people.Items))
			}
		})
	}
}

// TestReopenWhileOngoing: reopening a closed conversation while another is
// ongoing with the same contact and sender is 409 ongoing_conversation
// naming the one to continue (C4); with none ongoing it reopens.
func TestReopenWhileOngoing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var first, second desk.Conversation
	start := `{"channel":"sms","sender_address":"brand","to":"+1 202 555 0166","queue_id":"` + e.queueA.String() + `"}`
	e.do("POST", "/api/v1/conversations", e.agentA, start, 201, &first)
	e.do("PATCH", "/api/v1/conversations/"+first.ID.String(), e.agentA, `{"status":"closed"}`, 200, nil)
	e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"sms","sender_address":"brand","to":"001 (202) 555-0166","queue_id":"`+e.queueA.String()+`"}`, 201, &second)
	if second.CustomerID != first.CustomerID || second.ID == first.ID {
		t.Fatalf("second = %+v", second)
	}
	var conflict struct {
		Error struct {
			Code   string
			Detail map[string]any
		}
	}
	e.do("PATCH", "/api/v1/conversations/"+first.ID.String(), e.agentA, `{"status":"open"}`, 409, &conflict)
	if conflict.Error.Code != "ongoing_conversation" || conflict.Error.Detail["conversation_id"] != second.ID.String() {
		t.Fatalf("conflict = %+v", conflict)
	}
	e.do("PATCH", "/api/v1/conversations/"+second.ID.String(), e.agentA, `{"status":"closed"}`, 200, nil)
	e.do("PATCH", "/api/v1/conversations/"+first.ID.String(), e.agentA, `{"status":"open"}`, 200, nil)
}

// TestPhoneRegionOneCustomer: with --phone-region US a People contact
// typed "(202) 555-0188", a typed To "+1 202 555 0188", an inbound SMS
// from the API channel as "+1 (202) 555-0188" and a routing rule typed
// nationally are one number; a UK channel (country GB) reads its own
// national numbers as British.
func TestPhoneRegionOneCustomer(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Config{BodyLimit: 4096}, func(c *envConfig) { c.DefaultRegion = "US" })
	var cu desk.Customer
	e.do("POST", "/api/v1/customers", e.agentA, `{"name":"Rita","contacts":[{"channel":"sms","address":"(202) 555-0188"}]}`, 201, &cu)
	if cu.Contacts[0].Address != "+12025550188" || cu.Contacts[0].Display != "+1 202-555-0188" {
		t.Fatalf("contact = %+v", cu.Contacts)
	}
	var started desk.Conversation
	e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"sms","sender_address":"brand","to":"+1 202 555 0188","queue_id":"`+e.queueA.String()+`"}`, 201, &started)
	if started.CustomerID != cu.ID {
		t.Fatalf("typed To reached customer %s, want %s", started.CustomerID, cu.ID)
	}
	var res desk.IngestResult
	e.do("POST", "/api/v1/inbound", e.admin, `{"channel":"sms","from":"202.555.0188","to":"brand","text":"hi","external_id":"pr-1"}`, 201, &res)
	if res.Customer.ID != cu.ID || res.Conversation.ID != started.ID {
		t.Fatalf("inbound reached %s / %s", res.Customer.ID, res.Conversation.ID)
	}
	var rule desk.RoutingRule
	e.do("POST", "/api/v1/routing-rules", e.sup, `{"name":"Rita","channel":"sms","sender":"(202) 555-0188","queue_id":"`+e.queueB.String()+`"}`, 201, &rule)
	if rule.Sender != "+12025550188" {
		t.Fatalf("rule sender = %q", rule.Sender)
	}
	var uk channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"sms","provider":"twilio","name":"UK","sender":"020 7946 0000",
		"settings":{"account_sid":"AC123","country":"GB"},"secrets":{"auth_token":"tok-0123456789abcdef"}}`, 201, &uk)
	if uk.Sender != "+442079460000" {
		t.Fatalf("UK sender = %q", uk.Sender)
	}
	var gb desk.Conversation
	e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"sms","sender_address":"+442079460000","to":"020 7946 0958","queue_id":"`+e.queueA.String()+`"}`, 201, &gb)
	if gb.ContactAddress != "+442079460958" {
		t.Fatalf("UK national To = %q", gb.ContactAddress)
	}
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"sms","provider":"twilio","name":"XX","settings":{"account_sid":"AC1","country":"XX"},"secrets":{"auth_token":"tok-0123456789abcdef"}}`, 400, nil)
}
