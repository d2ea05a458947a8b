package email

import (
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// crlf turns a readable fixture into wire format.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimLeft(s, "\n"), "\n", "\r\n"))
}

const mixed = `
From: "Ana Lima" <Ana@Example.com>
To: support@shop.test
Cc: Bob <bob@example.com>, carol@example.com
Subject: Re: Order 1042
Message-ID: <m2@example.com>
In-Reply-To: <sb-1@shop.test>
References: <m1@example.com> <sb-1@shop.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Hello, where is my parcel?
--alt
Content-Type: text/html; charset=utf-8

<p>Hello, where is <b>my parcel</b>?</p>
--alt--
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
`

func TestParseMessage(t *testing.T) {
	p, err := Parse(crlf(mixed), "ana@example.com", "Support@Shop.test")
	if err != nil {
		t.Fatal(err)
	}
	in := p.Message
	if p.Kind != KindMessage || in == nil {
		t.Fatalf("kind %s", p.Kind)
	}
	if in.From != "ana@example.com" || in.To != "support@shop.test" || in.Name != "Ana Lima" || in.Subject != "Re: Order 1042" {
		t.Errorf("addresses/subject: %+v", in)
	}
	if in.Text != "Hello, where is my parcel?" || !strings.Contains(p.HTML, "<b>my parcel</b>") {
		t.Errorf("text %q html %q", in.Text, p.HTML)
	}
	if strings.Join(in.CC, ",") != "bob@example.com,carol@example.com" {
		t.Errorf("cc %v", in.CC)
	}
	if in.ExternalID != "m2@example.com" || strings.Join(in.ThreadRefs, " ") != "m1@example.com sb-1@shop.test sb-1@shop.test" {
		t.Errorf("ids %s %v", in.ExternalID, in.ThreadRefs)
	}
	if len(in.Attachments) != 1 || in.Attachments[0].Name != "invoice.pdf" || in.Attachments[0].ContentType != "application/pdf" || in.Attachments[0].Size != 9 {
		t.Errorf("attachments %+v", in.Attachments)
	}
	if err := in.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
}

func TestParseHTMLOnlyAndNoMessageID(t *testing.T) {
	raw := crlf(`
From: dan@example.com
To: support@shop.test
Subject: Hi
Content-Type: text/html; charset=iso-8859-1

<html><head><style>p{}</style></head><body><p>Caf&eacute; &amp; cr=E8me</p><p>Line two</p></body></html>
`)
	p, err := Parse(raw, "dan@example.com", "support@shop.test")
	if err != nil {
		t.Fatal(err)
	}
	if p.Message.Text != "Café & cr=E8me\nLine two" {
		t.Errorf("text %q", p.Message.Text)
	}
	again, _ := Parse(raw, "dan@example.com", "support@shop.test")
	if !strings.HasPrefix(p.Message.ExternalID, "sha256-") || again.Message.ExternalID != p.Message.ExternalID {
		t.Errorf("derived ids %s %s", p.Message.ExternalID, again.Message.ExternalID)
	}
}

func TestParseAutoReplies(t *testing.T) {
	tests := []struct{ name, header, envelope string }{
		{"Auto-Submitted", "Auto-Submitted: auto-replied", "ana@example.com"},
		{"X-Autoreply", "X-Autoreply: yes", "ana@example.com"},
		{"Precedence bulk", "Precedence: bulk", "ana@example.com"},
		{"Precedence auto_reply", "Precedence: auto_reply", "ana@example.com"},
		{"null reverse path", "X-Other: 1", "<>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := crlf("\nFrom: ana@example.com\nTo: support@shop.test\nSubject: Out of office\nMessage-ID: <ooo@example.com>\n" + tt.header + "\n\nI am away until Monday.\n")
			p, err := Parse(raw, tt.envelope, "support@shop.test")
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != KindAutoReply || p.Message != nil {
				t.Fatalf("kind %s", p.Kind)
			}
		})
	}
	p, _ := Parse(crlf("\nFrom: ana@example.com\nTo: s@shop.test\nAuto-Submitted: no\n\nhi\n"), "ana@example.com", "s@shop.test")
	if p.Kind != KindMessage {
		t.Errorf("Auto-Submitted: no is a person's message, got %s", p.Kind)
	}
}

func TestParseBounces(t *testing.T) {
	report := crlf(`
From: Mail Delivery System <MAILER-DAEMON@mx.shop.test>
To: support@shop.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce1@mx.shop.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The message could not be delivered.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.test

Final-Recipient: rfc822; gone@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address rejected
--b
Content-Type: text/rfc822-headers

From: support@shop.test
To: gone@example.com
Message-ID: <sb-42@shop.test>
Subject: Re: Order
--b--
`)
	plain := crlf(`
From: postmaster@example.com
To: support@shop.test
Subject: Delivery failure
In-Reply-To: <sb-43@shop.test>

Your message could not be delivered.
`)
	tests := []struct {
		name   string
		raw    []byte
		id     string
		reason string
	}{
		{"delivery-status report", report, "sb-42@shop.test", "bounced (status 5.1.1): smtp; 550 5.1.1 <gone@example.com>: Recipient address rejected"},
		{"postmaster", plain, "sb-43@shop.test", "bounced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.raw, "<>", "support@shop.test")
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != KindBounce || p.Message != nil || p.Receipt == nil {
				t.Fatalf("parsed %+v", p)
			}
			if p.Receipt.ExternalID != tt.id || p.Receipt.State != desk.DeliveryFailed || p.Receipt.Reason != tt.reason {
				t.Errorf("receipt %+v", p.Receipt)
			}
		})
	}
}

func TestParseRefusesGarbage(t *testing.T) {
	if _, err := Parse([]byte("no headers here"), "", "s@shop.test"); desk.ErrorKind(err) != desk.EINVALID {
		t.Errorf("err = %v", err)
	}
}
