package storetest

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func testTemplates(t *testing.T, open Opener) {
	f := newFixture(t, open)
	sup := f.as(f.MustAgent("sup@example.com", desk.RoleSupervisor))
	agent := f.as(f.MustAgent("a@example.com", desk.RoleAgent))
	greet := &desk.Template{Name: "Greeting", Text: "Hello, how can I help?"}
	wa := &desk.Template{Name: "Order shipped", Kind: desk.TemplateWhatsApp, Language: "en", Text: "Hi {{1}}, order {{2}} has shipped."}
	for _, tpl := range []*desk.Template{greet, wa} {
		if err := f.s.CreateTemplate(sup, tpl); err != nil {
			t.Fatal(err)
		}
	}
	if wa.Variables != 2 || greet.Kind != desk.TemplateText {
		t.Fatalf("templates: %+v %+v", greet, wa)
	}
	errs := []struct {
		name  string
		err   error
		code  string
		field string
	}{
		{"no name", f.s.CreateTemplate(sup, &desk.Template{Text: "y"}), desk.EINVALID, "name"},
		{"unknown kind", f.s.CreateTemplate(sup, &desk.Template{Name: "x", Kind: "sms", Text: "y"}), desk.EINVALID, "kind"},
		{"whatsapp without language", f.s.CreateTemplate(sup, &desk.Template{Name: "x", Kind: desk.TemplateWhatsApp, Text: "{{1}}"}), desk.EINVALID, "language"},
		{"variables with a gap", f.s.CreateTemplate(sup, &desk.Template{Name: "x", Kind: desk.TemplateWhatsApp, Language: "en", Text: "{{1}} {{3}}"}), desk.EINVALID, "text"},
		{"delete unknown", f.s.DeleteTemplate(sup, 99999), desk.ENOTFOUND, ""},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.err, tt.code)
			if desk.ErrorField(tt.err) != tt.field {
				t.Fatalf("field = %q, want %q", desk.ErrorField(tt.err), tt.field)
			}
		})
	}
	// The `/` quick pick searches names and text, for every agent.
	for q, want := range map[string]int{"": 2, "greet": 1, "SHIPPED": 1, "help": 1, "nothing": 0} {
		got, _, err := f.s.FindTemplates(agent, desk.TemplateFilter{Query: q})
		if err != nil || len(got) != want {
			t.Fatalf("search %q: %d templates, %v; want %d", q, len(got), err, want)
		}
	}
	if got, _, _ := f.s.FindTemplates(agent, desk.TemplateFilter{Kind: desk.TemplateWhatsApp}); len(got) != 1 || got[0].ID != wa.ID {
		t.Fatalf("kind filter: %+v", got)
	}
	// Every numbered variable must be filled.
	if _, err := wa.Render([]string{"Ann"}); desk.ErrorField(err) != "variables" {
		t.Fatalf("one variable missing: %v", err)
	}
	if _, err := wa.Render([]string{"Ann", " "}); desk.ErrorField(err) != "variables" {
		t.Fatalf("empty variable: %v", err)
	}
	if text, err := wa.Render([]string{"Ann", "42"}); err != nil || text != "Hi Ann, order 42 has shipped." {
		t.Fatalf("render: %q %v", text, err)
	}
	text := "Good morning, how can I help?"
	up, err := f.s.UpdateTemplate(sup, greet.ID, desk.TemplateUpdate{Text: &text})
	if err != nil || up.Text != text || up.Name != "Greeting" {
		t.Fatalf("update: %+v %v", up, err)
	}
	if err := f.s.DeleteTemplate(sup, greet.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.FindTemplateByID(agent, greet.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
}
