package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testCards(t *testing.T, open Opener) {
	f := newFixture(t, open)
	admin := f.MustAgent("admin@example.com", desk.RoleAdmin)
	c := &desk.Card{Name: "CRM", URL: "https://crm.example.com/card", Secret: "k", Fields: []desk.CardField{{Name: "plan", Editable: true}}}
	actx := f.as(admin)
	if err := f.s.CreateCard(actx, c); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		card  desk.Card
		code  string
		field string
	}{
		{"name taken", desk.Card{Name: "CRM", URL: "https://x.example", Fields: []desk.CardField{{Name: "a"}}}, "name_taken", "name"},
		{"bad url", desk.Card{Name: "x", URL: "file:///etc/passwd", Fields: []desk.CardField{{Name: "a"}}}, desk.EINVALID, "url"},
		{"no fields", desk.Card{Name: "x", URL: "https://x.example"}, desk.EINVALID, "fields"},
		{"bad field", desk.Card{Name: "x", URL: "https://x.example", Fields: []desk.CardField{{Name: "A"}}}, desk.EINVALID, "fields[0].name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := f.s.CreateCard(actx, &tt.card)
			wantCode(t, err, tt.code)
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q", desk.ErrorField(err))
			}
		})
	}
	got, err := f.s.FindCardByID(actx, c.ID)
	if err != nil || got.Secret != "k" || !got.HasSecret || got.Fields[0].Label != "plan" {
		t.Fatalf("card: %v %+v", err, got)
	}
	empty := ""
	upd, err := f.s.UpdateCard(actx, c.ID, desk.CardUpdate{Secret: &empty})
	if err != nil || upd.HasSecret {
		t.Fatalf("update: %v %+v", err, upd)
	}
	if list, err := f.s.FindCards(f.sys); err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	if err := f.s.DeleteCard(actx, c.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.DeleteCard(actx, c.ID), desk.ENOTFOUND)
}
