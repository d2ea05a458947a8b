package http

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// sendAs stores an agent's reply in conv as sent by the provider under
// externalID (the outbox's work, done here without a provider).
func (e *env) sendAs(conv, channel desk.ID, text, externalID string) *desk.Message {
	e.t.Helper()
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cs := e.store
	out := &desk.Message{ConversationID: conv, Text: text, Send: &desk.SendRequest{ChannelID: channel}}
	if err := e.store.CreateMessage(ctx, out); err != nil {
		e.t.Fatal(err)
	}
	jobs, err := cs.ClaimSendJobs(ctx, 10, 60e9)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, j := range jobs {
		if j.MessageID == out.ID {
			if err := cs.FinishSendJobs(ctx, []desk.SendOutcome{{JobID: j.ID, MessageID: out.ID, Result: desk.SendSent, ExternalID: externalID}}); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	return out
}

// TestWhatsAppDocumentedTypes posts Meta's documented sample of every
// inbound message type (testdata/README.md names each page), signed with
// X-Hub-Signature-256, to the real webhook endpoint and reads the thread
// back through the API.
func TestWhatsAppDocumentedTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.mustWhatsAppChannel()
	post := func(file string) {
		t.Helper()
		body, err := os.ReadFile("../channel/whatsapp/testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		e.webhook(c.WebhookPath, string(body), whatsapp.Sign(waSecret, body), 200)
	}
	post("text.json")
	conv := e.conversationOf("16505551234")
	e.sendAs(conv.ID, c.ID, "We have it in blue", "wamid.OUT1")

	files := []struct {
		file, typ, text string
		attach          string
	}{
		{"interactive_button.json", desk.TypeText, "Cancel [payload: cancel-button]", ""},
		{"interactive_list.json", desk.TypeText, "Priority Mail Express — Next Day to 2 Days [payload: priority_express]", ""},
		{"button.json", desk.TypeText, "Unsubscribe from Promos", ""},
		{"sticker.json", desk.TypeImage, "Sticker", "image/webp"},
		{"voice.json", desk.TypeVoice, "", "audio/ogg; codecs=opus"},
		{"video.json", desk.TypeVideo, "Here it is", "video/mp4"},
		{"image.json", desk.TypeImage, "The crack", "image/jpeg"},
		{"document.json", desk.TypeFile, "Invoice", "application/pdf"},
		{"location.json", desk.TypeLocation, "Main Street Beans, 1 Hacker Way, Menlo Park, CA 94025 (37.483307, -122.148981)", ""},
		{"contacts.json", desk.TypeText, "BEGIN:VCARD\nVERSION:3.0\nFN:Barbara J. Johnson\nN:Johnson;Barbara;;;\nORG:Lucky Shrub\nTITLE:Lead Counsel\n" +
			"TEL;TYPE=WORK:+1 (940) 555-1234\nEMAIL;TYPE=WORK:bjohnson@whatsapp.com\nURL:https://www.luckyshrub.com\nBDAY:1999-01-23\nEND:VCARD", ""},
		{"referral.json", desk.TypeText, "Can I get a quote?\n[From ad 120226305854810726: Chat with us — Chat with us to learn more about our products. https://fb.me/3cr4Wqqkv]", ""},
		{"unsupported.json", desk.TypeText, "Unsupported message (131051 Message type unknown: Message type is currently not supported.)", ""},
		{"order.json", desk.TypeText, "Love these!\nOrder from catalog 194836987003835:\n2 × di9ozbzfi4 at 7.99 USD", ""},
		{"flow_reply.json", desk.TypeText, "Sent\n{\"flow_token\": \"AQAAAAACS5FpgQ_cAAAAAD0QI3s.\", \"appointment_date\": \"2025-03-04\"}", ""},
	}
	for _, f := range files {
		post(f.file)
	}
	post("reaction.json")
	post("reaction.json") // a repeat changes nothing

	th := e.threadWith("16505551234")
	byText := map[string]desk.Message{}
	for _, m := range th {
		byText[m.Type+"|"+m.Text] = m
	}
	for _, f := range files {
		m, ok := byText[f.typ+"|"+f.text]
		if !ok {
			t.Errorf("%s: no %s message %q in the thread", f.file, f.typ, f.text)
			continue
		}
		if f.attach != "" && (len(m.Attachments) != 1 || m.Attachments[0].ContentType != f.attach) {
			t.Errorf("%s: attachments %+v", f.file, m.Attachments)
		}
	}
	if len(th) != 2+len(files) {
		t.Errorf("thread has %d messages, want %d", len(th), 2+len(files))
	}
	// The reaction shows on the reply it reacts to.
	for _, m := range th {
		if m.ExternalID == "wamid.OUT1" && (len(m.Reactions) != 1 || m.Reactions[0].Emoji != "👍" || m.Reactions[0].From != "+16505551234") {
			t.Errorf("reactions on the reply = %+v", m.Reactions)
		}
	}

	// Statuses: the reply is read; a failed one keeps WhatsApp's code,
	// title and details.
	e.sendAs(conv.ID, c.ID, "Still there?", "wamid.OUT2")
	post("statuses.json")
	for _, m := range e.threadWith("16505551234") {
		switch m.ExternalID {
		case "wamid.OUT1":
			if m.DeliveryState != desk.DeliverySeen {
				t.Errorf("first reply: %s, want seen", m.DeliveryState)
			}
		case "wamid.OUT2":
			if m.DeliveryState != desk.DeliveryFailed || m.FailureReason !=
				"131047 Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number." {
				t.Errorf("failed reply: %s %q", m.DeliveryState, m.FailureReason)
			}
		}
	}

	// The number change is shown and moves the contact: the customer's next
	// message from the new number joins the same conversation.
	post("system.json")
	th = e.threadWith("12195555358")
	if last := th[len(th)-1]; last.Text != "User Sheena Nelson changed from 16505551234 to 12195555358" {
		t.Fatalf("system message = %+v", last)
	}
	text, _ := os.ReadFile("../channel/whatsapp/testdata/text.json")
	moved := strings.NewReplacer(`"from":"16505551234"`, `"from":"12195555358"`, `"wa_id":"16505551234"`, `"wa_id":"12195555358"`,
		"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "wamid.NEWNUMBER").Replace(string(text))
	e.webhook(c.WebhookPath, moved, whatsapp.Sign(waSecret, []byte(moved)), 200)
	if c2 := e.conversationOf("12195555358"); c2 == nil || c2.ID != conv.ID {
		t.Fatalf("after the number change the customer's message went to %+v, want conversation %s", c2, conv.ID)
	}
}
