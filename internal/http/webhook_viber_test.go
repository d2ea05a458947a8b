package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/viber"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

const viberToken = "445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9"

// viberWebhook posts a body signed with X-Viber-Content-Signature.
func (e *env) viberWebhook(path string, body []byte, want int) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Viber-Content-Signature", viber.Sign(viberToken, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		e.t.Fatalf("POST %s: %d, want %d", path, resp.StatusCode, want)
	}
}

// TestViberDocumentedCallbacks posts the REST Bot API's documented
// callbacks (testdata/README.md) to the real webhook endpoint: every
// message type keeps its content; unsubscribed makes replies fail with a
// clear 400 before anything is stored or sent, subscribed lifts it.
func TestViberDocumentedCallbacks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"viber","name":"Viber bot","sender":"switchboard",
		"settings":{"base_url":"http://127.0.0.1:1"},"secrets":{"auth_token":"`+viberToken+`"}}`, 201, &c)
	dir := "../channel/viber/testdata/"
	files := []struct{ file, typ, text string }{
		{"message_text.json", desk.TypeText, "a message to the service"},
		{"message_url.json", desk.TypeText, "http://www.website.com/go_here"},
		{"message_contact.json", desk.TypeText, "BEGIN:VCARD\nVERSION:3.0\nFN:Itamar\nTEL;TYPE=CELL:+972511123123\nEND:VCARD"},
		{"message_sticker.json", desk.TypeImage, "Sticker 46105"},
		{"message_file.json", desk.TypeFile, ""},
		{"message_picture.json", desk.TypeImage, "Photo description"},
		{"message_location.json", desk.TypeLocation, "(50.76891, 6.11499)"},
		{"message_location_strings.json", desk.TypeLocation, "(37.7898, -122.3942)"},
	}
	for _, f := range files {
		e.viberWebhook(c.WebhookPath, fixture(t, dir+f.file), 200)
	}
	th := e.threadWith("01234567890A=")
	if len(th) != len(files) {
		t.Fatalf("thread has %d messages, want %d", len(th), len(files))
	}
	for i, f := range files {
		if th[i].Type != f.typ || th[i].Text != f.text {
			t.Errorf("%s: stored %s %q, want %s %q", f.file, th[i].Type, th[i].Text, f.typ, f.text)
		}
	}
	if a := th[4].Attachments; len(a) != 1 || a[0].Name != "name_of_file.doc" {
		t.Errorf("file attachment = %+v", a)
	}
	// The sender's name and profile (issue 16) reach the customer.
	var cu desk.Customer
	e.do("GET", "/api/v1/customers/"+e.conversationOf("01234567890A=").CustomerID.String(), e.admin, "", 200, &cu)
	if cu.Name != "John McClane" || cu.Attributes["avatar_url"] != "http://avatar.example.com" || cu.Attributes["language"] != "en" {
		t.Errorf("customer from Viber's sender = %q %+v", cu.Name, cu.Attributes)
	}
	conv := e.conversationOf("01234567890A=")
	reply := "/api/v1/conversations/" + conv.ID.String() + "/messages"
	optOut := "/api/v1/conversations/" + conv.ID.String() + "/opt-out"

	e.viberWebhook(c.WebhookPath, fixture(t, dir+"unsubscribed.json"), 200)
	var o optOutView
	e.do("GET", optOut, e.admin, "", 200, &o)
	if !o.OptedOut || o.Reason != "unsubscribed" || o.Channel != "viber" {
		t.Fatalf("opt-out = %+v", o)
	}
	var refused apiError
	e.do("POST", reply, e.admin, `{"text":"are you there?"}`, 400, &refused)
	if refused.Error.Code != "contact_opted_out" || refused.Error.Field != "to" {
		t.Fatalf("reply to an unsubscribed user: %+v", refused)
	}
	if n := len(e.threadWith("01234567890A=")); n != len(files) {
		t.Fatalf("a refused reply was stored: %d messages", n)
	}
	// conversation_started with subscribed=true, like subscribed, lifts it.
	e.viberWebhook(c.WebhookPath, fixture(t, dir+"conversation_started.json"), 200)
	e.do("GET", optOut, e.admin, "", 200, &o)
	if o.OptedOut {
		t.Fatalf("still opted out after conversation_started: %+v", o)
	}
	e.viberWebhook(c.WebhookPath, fixture(t, dir+"unsubscribed.json"), 200)
	e.viberWebhook(c.WebhookPath, fixture(t, dir+"subscribed.json"), 200)
	e.do("POST", reply, e.admin, `{"text":"welcome back"}`, 201, nil)

	// Receipts: delivered then seen; failed keeps Viber's description.
	e.sendAs(conv.ID, c.ID, "first", "5741311803571721087")
	e.sendAs(conv.ID, c.ID, "second", "5741311803571721088")
	states := func() map[string]desk.Message {
		out := map[string]desk.Message{}
		for _, m := range e.threadWith("01234567890A=") {
			out[m.ExternalID] = m
		}
		return out
	}
	e.viberWebhook(c.WebhookPath, fixture(t, dir+"delivered.json"), 200)
	if m := states()["5741311803571721087"]; m.DeliveryState != desk.DeliveryDelivered {
		t.Fatalf("after delivered: %s", m.DeliveryState)
	}
	e.viberWebhook(c.WebhookPath, fixture(t, dir+"seen.json"), 200)
	failed := []byte(strings.Replace(string(fixture(t, dir+"failed.json")), "5741311803571721087", "5741311803571721088", 1))
	e.viberWebhook(c.WebhookPath, failed, 200)
	st := states()
	if m := st["5741311803571721087"]; m.DeliveryState != desk.DeliverySeen {
		t.Fatalf("after seen: %s", m.DeliveryState)
	}
	if m := st["5741311803571721088"]; m.DeliveryState != desk.DeliveryFailed || m.FailureReason != "failure description" {
		t.Fatalf("after failed: %s %q", m.DeliveryState, m.FailureReason)
	}
	// Role and queue access: an agent outside the queue cannot read it.
	e.do("GET", "/api/v1/conversations/"+e.convA.String()+"/opt-out", e.agentB, "", 404, nil)
	e.do("GET", "/api/v1/conversations/"+e.convA.String()+"/opt-out", e.agentA, "", 200, nil)
}

// TestStartConversationOptedOut: a new conversation's first message to a
// contact that opted out is refused before anything is stored.
func TestStartConversationOptedOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cs := e.store
	sys := desk.NewContextWithActor(t.Context(), desk.SystemActor)
	if err := cs.SetOptOut(sys, desk.ChannelSMS, "+15017122661", true, "keyword STOP"); err != nil {
		t.Fatal(err)
	}
	qa := e.queueA.String()
	var refused apiError
	e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"sms","sender_address":"brand","to":"+1 501 712 2661","queue_id":"`+qa+`","text":"Hello"}`, 400, &refused)
	if refused.Error.Code != "contact_opted_out" || refused.Error.Field != "to" {
		t.Fatalf("refused = %+v", refused)
	}
	if e.conversationOf("+15017122661") != nil {
		t.Fatal("a conversation was started")
	}
	e.do("POST", "/api/v1/conversations", e.agentA, `{"channel":"sms","sender_address":"brand","to":"+15017122662","queue_id":"`+qa+`","text":"Hello"}`, 201, nil)
}
