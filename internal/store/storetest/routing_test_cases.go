package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testRoutingRules(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Sales")
	sup := f.MustAgent("sup@example.com", desk.RoleSupervisor)
	ann := f.MustAgent("ann@example.com", desk.RoleAgent)
	for _, c := range []struct {
		rule  desk.RoutingRule
		field string
	}{
		{desk.RoutingRule{Channel: desk.ChannelSMS, QueueID: q.ID}, "name"},
		{desk.RoutingRule{Name: "n", QueueID: q.ID}, "channel"},
		{desk.RoutingRule{Name: "n", Channel: "pigeon", QueueID: q.ID}, "channel"},
		{desk.RoutingRule{Name: "n", Channel: desk.ChannelSMS}, "queue_id"},
		{desk.RoutingRule{Name: "n", Channel: desk.ChannelSMS, QueueID: 9999}, "queue_id"},
		{desk.RoutingRule{Name: "n", Sender: "+1555", QueueID: q.ID}, "sender"},
		{desk.RoutingRule{Name: "n", AttributeKey: "tier", QueueID: q.ID}, "attribute_key"},
		{desk.RoutingRule{Name: "n", Channel: desk.ChannelEmail, Receiver: "not-an-address", QueueID: q.ID}, "receiver"},
	} {
		r := c.rule
		err := f.s.CreateRoutingRule(f.as(sup), &r)
		if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorField(err) != c.field {
			t.Fatalf("%+v: %v, want invalid %s", c.rule, err, c.field)
		}
	}
	a := &desk.RoutingRule{Name: "vip", AttributeKey: "tier", AttributeValue: "gold", QueueID: q.ID}
	b := &desk.RoutingRule{Name: "sms", Channel: desk.ChannelSMS, Sender: "(555) 100-2000", QueueID: q.ID}
	for _, r := range []*desk.RoutingRule{a, b} {
		if err := f.s.CreateRoutingRule(f.as(sup), r); err != nil {
			t.Fatal(err)
		}
	}
	if a.Position != 1 || b.Position != 2 || b.Sender != "5551002000" {
		t.Fatalf("positions %d %d, sender %q", a.Position, b.Position, b.Sender)
	}
	first := 0
	kw := "refund"
	if _, err := f.s.UpdateRoutingRule(f.as(sup), b.ID, desk.RoutingRuleUpdate{Position: &first, Keyword: &kw}); err != nil {
		t.Fatal(err)
	}
	rules, err := f.s.FindRoutingRules(f.as(ann))
	if err != nil || len(rules) != 2 || rules[0].ID != b.ID || rules[0].Keyword != "refund" {
		t.Fatalf("rules: %+v %v", rules, err)
	}
	empty := ""
	_, err = f.s.UpdateRoutingRule(f.as(sup), a.ID, desk.RoutingRuleUpdate{AttributeValue: &empty})
	wantCode(t, err, desk.EINVALID)
	if err := f.s.DeleteRoutingRule(f.as(sup), a.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.DeleteRoutingRule(f.as(sup), a.ID), desk.ENOTFOUND)
}
