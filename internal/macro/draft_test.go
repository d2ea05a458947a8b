package macro

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func str(s string) *string { return &s }

func TestDraftRules(t *testing.T) {
	q, tpl := desk.ID(7), desk.ID(3)
	smsTo := &desk.Macro{ID: 1, Name: "SMS promo", Actions: desk.MacroActions{To: map[string]string{"sms": "+15550100"}, Tags: []string{"promo"}, QueueID: &q}}
	emailTo := &desk.Macro{ID: 2, Name: "Email follow-up", Actions: desk.MacroActions{To: map[string]string{"email": "a@example.com"}, Subject: str("Follow-up")}}
	tmpl := &desk.Macro{ID: 3, Name: "Template", Actions: desk.MacroActions{TemplateID: &tpl, Priority: str("high")}}
	tests := []struct {
		name        string
		m           *desk.Macro
		d           Draft
		expired     bool
		code        string
		to          string
		skipped     []string
		templateSet bool
	}{
		{"To empty: macro setting To for the channel", smsTo, Draft{Channel: "sms"}, false, "", "+15550100", nil, false},
		{"To empty: macro without To for the channel is not offered", emailTo, Draft{Channel: "sms"}, false, "macro_not_offered", "", nil, false},
		{"To empty: macro without any To is not offered", tmpl, Draft{Channel: "sms"}, false, "macro_not_offered", "", nil, false},
		{"To filled: any macro, To action skipped on another channel", emailTo, Draft{Channel: "sms", To: "+1999"}, false, "", "+1999", []string{"to"}, false},
		{"To filled: To action runs when the channel matches", smsTo, Draft{Channel: "sms", To: "+1999"}, false, "", "+15550100", nil, false},
		{"session expired: template skipped, the rest applied", tmpl, Draft{Channel: "whatsapp", To: "+1999"}, true, "", "+1999", []string{"template"}, false},
		{"session open: template set", tmpl, Draft{Channel: "whatsapp", To: "+1999"}, false, "", "+1999", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply(tt.m, &tt.d, tt.expired)
			if desk.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err = %v, want %q", err, tt.code)
			}
			if err != nil {
				return
			}
			a := got.Applied[len(got.Applied)-1]
			if got.To != tt.to || len(a.Skipped) != len(tt.skipped) || (got.TemplateID != nil) != tt.templateSet {
				t.Fatalf("draft = %+v", got)
			}
			for i := range tt.skipped {
				if a.Skipped[i] != tt.skipped[i] {
					t.Fatalf("skipped = %v", a.Skipped)
				}
			}
		})
	}
}

func TestDraftRemove(t *testing.T) {
	q := desk.ID(7)
	first := &desk.Macro{ID: 1, Name: "one", Actions: desk.MacroActions{Subject: str("One"), Tags: []string{"a"}, QueueID: &q}}
	second := &desk.Macro{ID: 2, Name: "two", Actions: desk.MacroActions{Priority: str("urgent"), Tags: []string{"b"}}}
	d := &Draft{Channel: "email", To: "x@example.com", Subject: "Mine", Tags: []string{"own"}}
	d1, err := Apply(first, d, false)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Apply(second, d1, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(second, d2, false); desk.ErrorCode(err) != "macro_already_applied" {
		t.Fatalf("applied twice: %v", err)
	}
	got, err := Remove(first.ID, d2, map[desk.ID]*desk.Macro{1: first, 2: second}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Mine" || got.QueueID != nil || got.Priority != "urgent" || len(got.Tags) != 2 || got.Tags[0] != "b" || len(got.Applied) != 1 {
		t.Fatalf("after removing the first macro: %+v", got)
	}
	if _, err := Remove(first.ID, got, nil, false); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("remove twice: %v", err)
	}
}
