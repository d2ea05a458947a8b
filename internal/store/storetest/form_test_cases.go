package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// MustForm creates a form as the system.
func (f *fixture) MustForm(name string, fields ...desk.FormField) *desk.Form {
	f.t.Helper()
	fm := &desk.Form{Name: name, Fields: fields}
	if err := f.s.CreateForm(f.sys, fm); err != nil {
		f.t.Fatalf("create form %s: %v", name, err)
	}
	return fm
}

func testForms(t *testing.T, open Opener) {
	f := newFixture(t, open)
	q := f.MustQueue("Support")
	agent := f.MustAgent("a@example.com", desk.RoleAgent, q.ID)
	sup := f.MustAgent("s@example.com", desk.RoleSupervisor)
	ctx := f.as(agent)

	// Definitions: supervisors only, typed fields checked.
	form := &desk.Form{Name: "Refund", Fields: []desk.FormField{
		{Name: "reason", Type: desk.FieldText, Required: true},
		{Name: "amount", Type: desk.FieldNumber},
		{Name: "bought_on", Type: desk.FieldDate},
		{Name: "channel", Type: desk.FieldSelect, Options: []string{"shop", "web"}, Required: true},
		{Name: "approved", Type: desk.FieldCheckbox},
	}}
	if err := f.s.CreateForm(f.as(sup), form); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		form  desk.Form
		code  string
		field string
	}{
		{"no name", desk.Form{}, desk.EINVALID, "name"},
		{"name taken", desk.Form{Name: "Refund"}, "name_taken", "name"},
		{"bad type", desk.Form{Name: "x", Fields: []desk.FormField{{Name: "a", Type: "colour"}}}, desk.EINVALID, "fields[0].type"},
		{"select without options", desk.Form{Name: "x", Fields: []desk.FormField{{Name: "a", Type: desk.FieldSelect}}}, desk.EINVALID, "fields[0].options"},
		{"twice", desk.Form{Name: "x", Fields: []desk.FormField{{Name: "a", Type: desk.FieldText}, {Name: "a", Type: desk.FieldDate}}}, desk.EINVALID, "fields[1].name"},
		{"bad name", desk.Form{Name: "x", Fields: []desk.FormField{{Name: "A b", Type: desk.FieldText}}}, desk.EINVALID, "fields[0].name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := f.s.CreateForm(f.sys, &tt.form)
			wantCode(t, err, tt.code)
			if desk.ErrorField(err) != tt.field {
				t.Fatalf("field = %q", desk.ErrorField(err))
			}
		})
	}

	c := f.MustIngest("+15550101", "f1", "refund please", q.ID).Conversation
	update := func(u desk.ConversationUpdate) (*desk.Conversation, error) {
		return f.s.UpdateConversation(ctx, c.ID, u)
	}
	_, err := update(desk.ConversationUpdate{FormValues: map[string]any{"reason": "x"}})
	wantCode(t, err, desk.EINVALID)
	bad := desk.ID(999999)
	_, err = update(desk.ConversationUpdate{FormID: &bad})
	wantCode(t, err, desk.EINVALID)

	got, err := update(desk.ConversationUpdate{FormID: &form.ID, FormValues: map[string]any{"amount": 12.5}})
	if err != nil {
		t.Fatal(err)
	}
	if got.FormID == nil || *got.FormID != form.ID || got.FormValues["amount"] != 12.5 {
		t.Fatalf("form on conversation: %+v", got)
	}
	// Values are validated with the field named.
	for _, tt := range []struct {
		values map[string]any
		field  string
	}{
		{map[string]any{"amount": "twelve"}, "form_values.amount"},
		{map[string]any{"bought_on": "31/12/2025"}, "form_values.bought_on"},
		{map[string]any{"channel": "phone"}, "form_values.channel"},
		{map[string]any{"approved": "yes"}, "form_values.approved"},
		{map[string]any{"colour": "red"}, "form_values.colour"},
		{map[string]any{"reason": 5.0}, "form_values.reason"},
	} {
		_, err := update(desk.ConversationUpdate{FormValues: tt.values})
		wantCode(t, err, desk.EINVALID)
		if desk.ErrorField(err) != tt.field {
			t.Fatalf("%v: field = %q (%v)", tt.values, desk.ErrorField(err), err)
		}
	}
	// Solving with required fields empty is refused, naming them; nothing changes.
	solved := desk.ConversationSolved
	_, err = update(desk.ConversationUpdate{Status: &solved, FormValues: map[string]any{"channel": "web"}})
	wantCode(t, err, desk.CodeFormIncomplete)
	if fs := err.(*desk.Error).Detail["fields"].([]string); len(fs) != 1 || fs[0] != "reason" {
		t.Fatalf("missing fields = %v", fs)
	}
	closed := desk.ConversationClosed
	_, err = update(desk.ConversationUpdate{Status: &closed})
	wantCode(t, err, desk.CodeFormIncomplete)
	if now, _ := f.s.FindConversationByID(ctx, c.ID); now.Status != desk.ConversationOpen || now.FormValues["channel"] != nil {
		t.Fatalf("a refused update changed the conversation: %+v", now)
	}
	// A macro may fill fields and solve: complete, so it goes through.
	m := &desk.Macro{Name: "Fill refund", Actions: desk.MacroActions{FormID: &form.ID, FormValues: map[string]any{"reason": "broken", "channel": "shop"}, Status: &solved}}
	if err := f.s.CreateMacro(f.sys, m); err != nil {
		t.Fatal(err)
	}
	res, err := f.applyMacro(ctx, c.ID, m.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Conversation.Status != desk.ConversationSolved || res.Conversation.FormValues["reason"] != "broken" || res.Conversation.FormValues["amount"] != 12.5 {
		t.Fatalf("after macro: %+v", res.Conversation)
	}
	// A macro solving with fields missing is refused as well.
	c2 := f.MustIngest("+15550102", "f2", "another", q.ID).Conversation
	m2 := &desk.Macro{Name: "Solve", Actions: desk.MacroActions{FormID: &form.ID, Status: &solved}}
	if err := f.s.CreateMacro(f.sys, m2); err != nil {
		t.Fatal(err)
	}
	_, err = f.applyMacro(ctx, c2.ID, m2.ID, false)
	wantCode(t, err, desk.CodeFormIncomplete)
	// Clearing a value with null; a new form drops old values.
	other := f.MustForm("Other", desk.FormField{Name: "note", Type: desk.FieldText})
	got, err = update(desk.ConversationUpdate{FormValues: map[string]any{"amount": nil}})
	if err != nil || got.FormValues["amount"] != nil {
		t.Fatalf("clear: %v %+v", err, got)
	}
	got, err = update(desk.ConversationUpdate{FormID: &other.ID})
	if err != nil || len(got.FormValues) != 0 {
		t.Fatalf("switch form: %v %+v", err, got)
	}
	// Deleting a form detaches it.
	if err := f.s.DeleteForm(f.sys, other.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.FindConversationByID(ctx, c.ID); got.FormID != nil {
		t.Fatalf("form still set: %+v", got)
	}
	wantCode(t, f.s.DeleteForm(f.sys, other.ID), desk.ENOTFOUND)
	if list, err := f.s.FindForms(ctx); err != nil || len(list) != 1 {
		t.Fatalf("forms: %v %v", list, err)
	}
}
