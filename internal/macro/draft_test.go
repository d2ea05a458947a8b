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
			got, err := Apply(tt.m, &tt.d, Env{SessionExpired: tt.expired})
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
	d1, err := Apply(first, d, Env{})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Apply(second, d1, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(second, d2, Env{}); desk.ErrorCode(err) != "macro_already_applied" {
		t.Fatalf("applied twice: %v", err)
	}
	got, err := Remove(first.ID, d2, map[desk.ID]*desk.Macro{1: first, 2: second}, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Mine" || got.QueueID != nil || got.Priority != "urgent" || len(got.Tags) != 2 || got.Tags[0] != "b" || len(got.Applied) != 1 {
		t.Fatalf("after removing the first macro: %+v", got)
	}
	if _, err := Remove(first.ID, got, nil, Env{}); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("remove twice: %v", err)
	}
}

// TestDraftSubjectBodySender covers the composer actions on a new
// conversation (E3 with E4): subject on email, topic elsewhere; the body;
// the queue's default sender winning over the macro's.
func TestDraftSubjectBodySender(t *testing.T) {
	branded, free := desk.ID(1), desk.ID(2)
	env := Env{QueueSender: func(q *desk.ID, channel string) string {
		if q != nil && *q == branded && channel == "whatsapp" {
			return "+15550400"
		}
		return ""
	}}
	tests := []struct {
		name    string
		a       desk.MacroActions
		d       Draft
		want    Draft
		skipped []string
	}{
		{"email: subject fills the subject, topic the hidden topic", desk.MacroActions{Subject: str("Refund"), Topic: str("billing"), Body: str("Hello")},
			Draft{Channel: "email", To: "a@example.com"}, Draft{Subject: "Refund", Topic: "billing", Body: "Hello"}, nil},
		{"sms: subject fills the topic when there is no topic action", desk.MacroActions{Subject: str("Refund"), Body: str("Hi")},
			Draft{Channel: "sms", To: "+1555"}, Draft{Topic: "Refund", Body: "Hi"}, nil},
		{"sms: the topic action wins, no subject", desk.MacroActions{Subject: str("Refund"), Topic: str("billing")},
			Draft{Channel: "sms", To: "+1555"}, Draft{Topic: "billing"}, nil},
		{"sender without a queue default applies", desk.MacroActions{Sender: str("15550401")},
			Draft{Channel: "whatsapp", To: "+1555", Sender: "15550999"}, Draft{Sender: "+15550401"}, nil},
		{"moving to a queue with a default sender switches to it", desk.MacroActions{QueueID: &branded},
			Draft{Channel: "whatsapp", To: "+1555", Sender: "15550401"}, Draft{Sender: "+15550400"}, nil},
		{"another sender than the queue's default is skipped", desk.MacroActions{QueueID: &branded, Sender: str("15550401")},
			Draft{Channel: "whatsapp", To: "+1555", Sender: "15550999"}, Draft{Sender: "+15550400"}, []string{"sender"}},
		{"the draft's own queue default also rules the sender action", desk.MacroActions{Sender: str("15550401")},
			Draft{Channel: "whatsapp", To: "+1555", QueueID: &branded, Sender: "+15550400"}, Draft{Sender: "+15550400"}, []string{"sender"}},
		{"a queue without default senders keeps the draft's", desk.MacroActions{QueueID: &free},
			Draft{Channel: "whatsapp", To: "+1555", Sender: "15550401"}, Draft{Sender: "15550401"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply(&desk.Macro{ID: 9, Name: "m", Actions: tt.a}, &tt.d, env)
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject != tt.want.Subject || got.Topic != tt.want.Topic || got.Body != tt.want.Body || got.Sender != tt.want.Sender {
				t.Fatalf("draft = subject %q topic %q body %q sender %q; want %+v", got.Subject, got.Topic, got.Body, got.Sender, tt.want)
			}
			if sk := got.Applied[0].Skipped; len(sk) != len(tt.skipped) || (len(sk) > 0 && sk[0] != tt.skipped[0]) {
				t.Fatalf("skipped = %v, want %v", sk, tt.skipped)
			}
			// Removing the macro restores the draft exactly.
			back, err := Remove(9, got, nil, env)
			if err != nil || back.Subject != tt.d.Subject || back.Topic != tt.d.Topic || back.Body != tt.d.Body || back.Sender != tt.d.Sender || len(back.Applied) != 0 {
				t.Fatalf("removed: %+v %v", back, err)
			}
		})
	}
}
