package http

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// conversationOf returns the conversation with a contact address, or nil.
func (e *env) conversationOf(address string) *desk.Conversation {
	e.t.Helper()
	var convs list[desk.Conversation]
	e.do("GET", "/api/v1/conversations?view=all&limit=200", e.admin, "", 200, &convs)
	for i := range convs.Items {
		// WhatsApp's wa_id digits are keyed as E.164 (issue 16).
		if strings.TrimPrefix(convs.Items[i].ContactAddress, "+") == strings.TrimPrefix(address, "+") {
			return &convs.Items[i]
		}
	}
	return nil
}

// threadWith returns the messages of the conversation with a contact address.
func (e *env) threadWith(address string) []desk.Message {
	e.t.Helper()
	c := e.conversationOf(address)
	if c == nil {
		e.t.Fatalf("no conversation with %s", address)
	}
	var msgs list[desk.Message]
	e.do("GET", "/api/v1/conversations/"+c.ID.String()+"/messages?limit=200", e.admin, "", 200, &msgs)
	return msgs.Items
}

// TestWhatsAppSeveralNumbers: one Meta app, one callback URL, two numbers.
// Meta's documented text message (the fixture) is sent once for each
// number, once for a number no channel owns, and beside a malformed
// message, all in one signed notification posted to number A's URL.
func TestWhatsAppSeveralNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.mustWhatsAppChannel()
	var b channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"Sales WA","sender":"15550009999",
		"settings":{"phone_number_id":"200000000000002"},"secrets":{"app_secret":"`+waSecret+`","access_token":"tok"}}`, 201, &b)

	var doc map[string]any
	raw, err := os.ReadFile("../channel/whatsapp/testdata/text.json")
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(raw, &doc)
	change := func(phoneNumberID, from, id string) any {
		var c map[string]any
		json.Unmarshal(raw, &c)
		v := c["entry"].([]any)[0].(map[string]any)["changes"].([]any)[0].(map[string]any)
		val := v["value"].(map[string]any)
		val["metadata"].(map[string]any)["phone_number_id"] = phoneNumberID
		val["contacts"].([]any)[0].(map[string]any)["wa_id"] = from
		m := val["messages"].([]any)[0].(map[string]any)
		m["from"], m["id"] = from, id
		return v
	}
	bad := change("106540352242922", "16505550001", "wamid.BAD")
	badMsgs := bad.(map[string]any)["value"].(map[string]any)["messages"].([]any)
	delete(badMsgs[0].(map[string]any), "text") // a text message without its text
	entry := doc["entry"].([]any)[0].(map[string]any)
	entry["changes"] = []any{
		change("106540352242922", "16505551234", "wamid.A1"),
		change("200000000000002", "16505552222", "wamid.B1"),
		change("399999999999999", "16505553333", "wamid.NOBODY"),
		bad,
	}
	body, _ := json.Marshal(doc)

	var got webhookCounts
	if err := json.Unmarshal(e.webhook(a.WebhookPath, string(body), whatsapp.Sign(waSecret, body), 200), &got); err != nil {
		t.Fatal(err)
	}
	if got.Messages != 2 || got.Dropped != 1 || len(got.DeadLetters) != 1 {
		t.Fatalf("answer = %+v", got)
	}
	// Meta retries nothing, but a repeat must not store twice.
	e.webhook(a.WebhookPath, string(body), whatsapp.Sign(waSecret, body), 200)

	ca, cb := e.conversationOf("16505551234"), e.conversationOf("16505552222")
	if ca == nil || strings.TrimPrefix(ca.SenderAddress, "+") != "15550783881" || cb == nil || strings.TrimPrefix(cb.SenderAddress, "+") != "15550009999" {
		t.Fatalf("conversations: A %+v, B %+v", ca, cb)
	}
	if e.conversationOf("16505553333") != nil || e.conversationOf("16505550001") != nil {
		t.Fatal("a message for an unknown number or a malformed one was stored")
	}
	for _, addr := range []string{"16505551234", "16505552222"} {
		if th := e.threadWith(addr); len(th) != 1 || th[0].Text != "Does it come in another color?" {
			t.Fatalf("thread of %s = %+v", addr, th)
		}
	}
	var letters list[desk.DeadLetter]
	e.do("GET", "/api/v1/dead-letters", e.admin, "", 200, &letters)
	if len(letters.Items) != 2 || !strings.Contains(letters.Items[0].Body, `"wamid.BAD"`) || strings.Contains(letters.Items[0].Body, "wamid.A1") ||
		letters.Items[0].ID.String() != got.DeadLetters[0] && letters.Items[1].ID.String() != got.DeadLetters[0] {
		t.Fatalf("dead letters = %+v (answer %v)", letters.Items, got.DeadLetters)
	}

	// Malformed JSON and a bad signature are still refused.
	e.webhook(a.WebhookPath, `{"object":`, whatsapp.Sign(waSecret, []byte(`{"object":`)), 400)
	e.webhook(a.WebhookPath, string(body), whatsapp.Sign("other-app", body), 401)
}
