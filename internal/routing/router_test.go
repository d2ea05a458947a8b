package routing_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/routing"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// TestRouterRules checks B2 on a real store: rules in order, every
// condition kind, phone numbers in any format, unmatched → Default (0),
// and a rule change seen at once through the change handler.
func TestRouterRules(t *testing.T) {
	ctx := context.Background()
	var changes sqlstore.ChangeForwarder
	st, err := sqlite.OpenWith(ctx, filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{}, sqlstore.Options{Changes: changes.Handle})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	q := map[string]desk.ID{}
	for _, name := range []string{"Billing", "VIP", "Sales", "WhatsApp"} {
		qu := &desk.Queue{Name: name}
		if err := st.CreateQueue(sys, qu); err != nil {
			t.Fatal(err)
		}
		q[name] = qu.ID
	}
	r := routing.NewRouter(st)
	changes.Bind(r.HandleChanges)
	for _, rule := range []*desk.RoutingRule{
		{Name: "vip", AttributeKey: "tier", AttributeValue: "Gold", QueueID: q["VIP"]},
		{Name: "refunds", Channel: desk.ChannelSMS, Keyword: "Refund", QueueID: q["Billing"]},
		{Name: "sales line", Channel: desk.ChannelSMS, Receiver: "+1 (555) 000-1111", QueueID: q["Sales"]},
	} {
		if err := st.CreateRoutingRule(sys, rule); err != nil {
			t.Fatal(err)
		}
	}
	gold := &desk.Customer{Name: "Gold", Attributes: map[string]string{"tier": "gold"}, Contacts: []desk.Contact{{Channel: desk.ChannelSMS, Address: "+15550009"}}}
	if err := st.CreateCustomer(sys, gold); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   desk.InboundMessage
		want desk.ID
	}{
		{"keyword, any case", desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550001", To: "x", Text: "I want a REFUND please"}, q["Billing"]},
		{"keyword on another channel", desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15550001", To: "x", Text: "refund"}, 0},
		{"receiver typed differently", desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550002", To: "+1-555-000-1111", Text: "hi"}, q["Sales"]},
		{"customer attribute first", desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550009", To: "+15550001111", Text: "refund"}, q["VIP"]},
		{"nothing matches", desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15550003", To: "y", Text: "hello"}, 0},
	}
	for _, c := range cases {
		got, err := r.Route(ctx, &c.in)
		if err != nil || got != c.want {
			t.Errorf("%s: queue %v (%v), want %v", c.name, got, err, c.want)
		}
	}
	// A new first rule applies at once (the cache is dropped on change).
	wa := &desk.RoutingRule{Name: "wa", Channel: desk.ChannelWhatsApp, Position: 1, QueueID: q["WhatsApp"]}
	if err := st.CreateRoutingRule(sys, wa); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Route(ctx, &desk.InboundMessage{Channel: desk.ChannelWhatsApp, From: "15550001", To: "x", Text: "refund"}); got != q["WhatsApp"] {
		t.Fatalf("new rule not applied: %v", got)
	}
}
