package inbound_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/inbound"
	"github.com/switchboard-cc/switchboard/internal/phone"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// TestDeliver runs the inbound use case without HTTP on a real store: a
// channel's message is keyed with the server's country, stored in the
// channel's queue once (a repeat is a duplicate), a receipt
// of an unknown message is skipped, and an invalid message is EINVALID;
// every message stored for the first time, and no repeat, is offered to
// the surveys as an answer (C12).
func TestDeliver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	q := &desk.Queue{Name: "SMS"}
	if err := st.CreateQueue(sys, q); err != nil {
		t.Fatal(err)
	}
	cfg := &desk.ChannelConfig{Kind: desk.ChannelSMS, Provider: "twilio", Name: "SMS", Sender: "+15550001111", QueueID: &q.ID}
	if err := st.CreateChannel(sys, cfg); err != nil {
		t.Fatal(err)
	}
	surveys := &offers{}
	p := inbound.New(inbound.Config{Store: st, Phones: phone.Book{Region: "US"}, Surveys: surveys})
	msg := desk.InboundMessage{From: "(202) 555-0143", Text: "hello", Type: desk.TypeText, ExternalID: "SM1"}
	for range 2 {
		if err := p.Deliver(sys, cfg, &desk.WebhookResult{Messages: []desk.InboundMessage{msg},
			Receipts: []desk.Receipt{{ExternalID: "unknown", State: desk.DeliveryDelivered}}}); err != nil {
			t.Fatal(err)
		}
	}
	cu, err := st.FindCustomerByContact(sys, desk.ChannelSMS, "+12025550143")
	if err != nil {
		t.Fatalf("customer by the keyed number: %v", err)
	}
	convs, _, err := st.FindConversations(sys, desk.ConversationFilter{View: desk.ViewAll, CustomerID: &cu.ID, Limit: 10})
	if err != nil || len(convs) != 1 || convs[0].QueueID != q.ID {
		t.Fatalf("conversations %v, %v: want one in the channel's queue", convs, err)
	}
	if msgs, _, err := st.FindMessages(sys, convs[0].ID, desk.MessageFilter{Limit: 10}); err != nil || len(msgs) != 1 {
		t.Fatalf("messages %d, %v: want the repeat stored once", len(msgs), err)
	}
	bad := desk.InboundMessage{From: "(202) 555-0143", Type: desk.TypeText, ExternalID: "SM2"}
	if err := p.Deliver(sys, cfg, &desk.WebhookResult{Messages: []desk.InboundMessage{bad}}); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("empty text: %v, want EINVALID", err)
	}
	if _, err := p.Ingest(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "(202) 555-0143", To: "support", Text: "5", Type: desk.TypeText, ExternalID: "API1"}); err != nil {
		t.Fatal(err)
	}
	if len(surveys.texts) != 2 || surveys.texts[0] != "hello" || surveys.texts[1] != "5" {
		t.Fatalf("offered to the surveys: %q, want each new message once", surveys.texts)
	}
}

// offers records the messages offered to the surveys.
type offers struct{ texts []string }

func (o *offers) AnswerReply(_ context.Context, res *desk.IngestResult) bool {
	o.texts = append(o.texts, res.Message.Text)
	return false
}
