package outbound

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// TestReplySenderAndChannelChange covers E4 (replies only from the queue's
// sender) and C7 (a reply on another of the customer's contacts; inbound
// from any of their addresses threads into the open conversation).
func TestReplySenderAndChannelChange(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	for _, c := range []*desk.ChannelConfig{
		{Kind: "whatsapp", Provider: "whatsapp", Name: "WA 1", Sender: "15550001"},
		{Kind: "whatsapp", Provider: "whatsapp", Name: "WA 2", Sender: "15550002"},
		{Kind: "sms", Provider: "twilio", Name: "SMS", Sender: "15557777"},
	} {
		if err := st.CreateChannel(sys, c); err != nil {
			t.Fatal(err)
		}
	}
	res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: "whatsapp", From: "15559999", To: "15550001", Text: "hi", ExternalID: "in1"})
	if err != nil {
		t.Fatal(err)
	}
	conv, cust := res.Conversation, res.Customer
	contacts := []desk.Contact{{Channel: "whatsapp", Address: "+15559999"}, {Channel: "sms", Address: "15559998"}}
	if _, err := st.UpdateCustomer(sys, cust.ID, desk.CustomerUpdate{Contacts: &contacts}); err != nil {
		t.Fatal(err)
	}
	ch := &fakeChannel{calls: map[string]int{}, sent: map[string]string{}}
	svc := &Service{Store: st, Channels: st, Adapters: kindAdapters{ch}}
	setSender := func(sender string) {
		t.Helper()
		senders := map[string]string{}
		if sender != "" {
			senders["whatsapp"] = sender
		}
		if _, err := st.UpdateQueue(sys, conv.QueueID, desk.QueueUpdate{DefaultSenders: &senders}); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name        string
		queueSender string
		req         ReplyRequest
		code        string
		channel     string
		from, to    string
	}{
		{"default route", "", ReplyRequest{Text: "a"}, "", "whatsapp", "+15550001", "+15559999"},
		{"free choice without queue sender", "", ReplyRequest{Text: "b", From: "15550002"}, "", "whatsapp", "+15550002", "+15559999"},
		{"queue sender enforced", "15550001", ReplyRequest{Text: "c", From: "15550002"}, "sender_not_allowed", "", "", ""},
		{"queue sender used", "15550001", ReplyRequest{Text: "d", From: "15550001"}, "", "whatsapp", "+15550001", "+15559999"},
		{"queue sender chosen over the conversation's", "15550002", ReplyRequest{Text: "e"}, "", "whatsapp", "+15550002", "+15559999"},
		{"conversation's sender refused when named", "15550002", ReplyRequest{Text: "e2", From: "15550001"}, "sender_not_allowed", "", "", ""},
		{"not a contact", "", ReplyRequest{Text: "f", Channel: "sms", To: "15550000"}, "not_a_contact", "", "", ""},
		{"no contact on channel", "", ReplyRequest{Text: "g", Channel: "viber"}, "not_a_contact", "", "", ""},
		{"change channel", "", ReplyRequest{Text: "h", Channel: "sms"}, "", "sms", "15557777", "15559998"},
		{"last used channel kept", "", ReplyRequest{Text: "i"}, "", "sms", "15557777", "15559998"},
		{"back to whatsapp", "15550001", ReplyRequest{Text: "j", Channel: "whatsapp", To: "15559999"}, "", "whatsapp", "+15550001", "+15559999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setSender(tt.queueSender)
			tt.req.ConversationID = conv.ID
			r, err := svc.Reply(sys, tt.req)
			if tt.code != "" {
				if e, ok := err.(*desk.Error); !ok || e.Code != tt.code {
					t.Fatalf("err = %v, want code %s", err, tt.code)
				}
				return
			} else if err != nil {
				t.Fatal(err)
			}
			if r.Channel != tt.channel || r.From != tt.from || r.To != tt.to {
				t.Fatalf("route = %s %s→%s, want %s %s→%s", r.Channel, r.From, r.To, tt.channel, tt.from, tt.to)
			}
			c, err := st.FindConversationByID(sys, conv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Channel != tt.channel || c.ContactAddress != tt.to {
				t.Fatalf("conversation on %s %s, want the last used %s %s", c.Channel, c.ContactAddress, tt.channel, tt.to)
			}
		})
	}

	// C5: inbound from any of the customer's addresses joins the open
	// conversation.
	for i, in := range []desk.InboundMessage{
		{Channel: "sms", From: "15559998", To: "15557777", Text: "by sms", ExternalID: "in2"},
		{Channel: "whatsapp", From: "15559999", To: "15550002", Text: "by wa", ExternalID: "in3"},
	} {
		r, err := st.IngestMessage(sys, &in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Conversation.ID != conv.ID || r.NewConversation || r.Customer.ID != cust.ID {
			t.Fatalf("inbound %d: conversation %s (new %v), want %s", i, r.Conversation.ID, r.NewConversation, conv.ID)
		}
	}
}

// kindAdapters gives each channel the fake with its own kind's
// capabilities (SMS has no session window, WhatsApp does).
type kindAdapters struct{ ch *fakeChannel }

type kindChannel struct {
	*fakeChannel
	kind string
}

func (k kindChannel) Kind() string                    { return k.kind }
func (k kindChannel) Capabilities() desk.Capabilities { return desk.CapabilitiesOf(k.kind) }

func (a kindAdapters) Adapter(cfg *desk.ChannelConfig) (desk.Channel, error) {
	return kindChannel{a.ch, cfg.Kind}, nil
}
