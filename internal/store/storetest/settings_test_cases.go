package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testTransferPolicy: the external-transfer setting (I3) starts off, is
// set by supervisors (not agents) and read by everyone; People phone
// contacts are recognised with or without the leading +.
func testTransferPolicy(t *testing.T, open Opener) {
	f := newFixture(t, open)
	agent := f.MustAgent("a@example.com", desk.RoleAgent)
	sup := f.MustAgent("s@example.com", desk.RoleSupervisor)
	p, err := f.s.FindTransferPolicy(f.as(agent))
	if err != nil || p.PeopleContacts || p.ManualNumbers {
		t.Fatalf("default: %+v %v", p, err)
	}
	if err := f.s.UpdateTransferPolicy(f.as(sup), &desk.TransferPolicy{PeopleContacts: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.UpdateTransferPolicy(f.as(sup), &desk.TransferPolicy{PeopleContacts: true, ManualNumbers: false}); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.s.FindTransferPolicy(f.as(agent)); !p.PeopleContacts || p.ManualNumbers {
		t.Fatalf("stored: %+v", p)
	}
	cu := &desk.Customer{Name: "Ann", Contacts: []desk.Contact{{Channel: desk.ChannelVoice, Address: "+15550123"}, {Channel: desk.ChannelEmail, Address: "ann@example.com"}}}
	if err := f.s.CreateCustomer(f.sys, cu); err != nil {
		t.Fatal(err)
	}
	for number, want := range map[string]bool{"+15550123": true, "+15550124": false} {
		if got, err := f.s.IsPhoneContact(f.as(agent), number); err != nil || got != want {
			t.Fatalf("%s: %v %v", number, got, err)
		}
	}
}
