package http

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/messenger"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

const fbSecret = "fb-app-secret-0123456789"

func (e *env) mustMetaChannel(kind, name, account string) channelView {
	e.t.Helper()
	key := "page_id"
	if kind == "instagram" {
		key = "instagram_id"
	}
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"`+kind+`","provider":"`+kind+`","name":"`+name+`","sender":"`+account+`",
		"settings":{"`+key+`":"`+account+`"},"secrets":{"app_secret":"`+fbSecret+`","page_access_token":"tok"}}`, 201, &c)
	return c
}

func fixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMessengerDocumentedEvents posts Meta's documented Messenger and
// Instagram events (testdata/README.md names each page), signed with
// X-Hub-Signature-256, to the real webhook endpoints.
func TestMessengerDocumentedEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := e.mustMetaChannel("messenger", "Page", "682498302938465")
	ig := e.mustMetaChannel("instagram", "IG", "17841405822304914")
	dir := "../channel/messenger/testdata/"
	post := func(c channelView, file string) webhookCounts {
		t.Helper()
		body := fixture(t, dir+file)
		var got webhookCounts
		json.Unmarshal(e.webhook(c.WebhookPath, string(body), messenger.Sign(fbSecret, body), 200), &got)
		return got
	}
	post(page, "message.json")
	post(page, "postback.json")
	post(page, "quick_reply.json")
	conv := e.conversationOf("1254459154682919")
	if conv == nil || conv.Channel != "messenger" {
		t.Fatalf("conversation = %+v", conv)
	}
	// Two replies before the read watermark (1458668856253), one after.
	// Their times come from the server's clock, so the watermark in the
	// fixture is moved onto the second reply's time.
	r1 := e.sendAs(conv.ID, page.ID, "first reply", "m_OUT1")
	r2 := e.sendAs(conv.ID, page.ID, "second reply", "m_OUT2")
	time.Sleep(2 * time.Millisecond)
	e.sendAs(conv.ID, page.ID, "third reply", "m_OUT3")
	th := e.threadWith("1254459154682919")
	var at time.Time
	for _, m := range th {
		if m.ID == r2.ID {
			at = m.CreatedAt
		}
	}
	read := strings.Replace(string(fixture(t, dir+"read.json")), "1458668856253", strconv.FormatInt((at.UnixMicro()+999)/1000, 10), 1)
	e.webhook(page.WebhookPath, read, messenger.Sign(fbSecret, []byte(read)), 200)
	post(page, "reaction.json")
	post(page, "echo_page.json")
	post(page, "echo_page.json") // Meta may repeat: stored once

	th = e.threadWith("1254459154682919")
	texts := map[string]desk.Message{}
	for _, m := range th {
		texts[m.Direction+"|"+m.Text] = m
	}
	for _, want := range []string{
		"in|hello, world!",
		"in|Get Started [payload: GET_STARTED_PAYLOAD]\n[Referral SHORTLINK ref summer-sale]",
		"in|Red [payload: DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_RED]",
		"out|Sent from the Page inbox",
	} {
		if _, ok := texts[want]; !ok {
			t.Errorf("no %q in the thread", want)
		}
	}
	if len(th) != 7 {
		t.Errorf("thread has %d messages, want 7: %+v", len(th), th)
	}
	for _, m := range th {
		switch m.ExternalID {
		case "m_OUT1":
			if m.ID != r1.ID || m.DeliveryState != desk.DeliverySeen || len(m.Reactions) != 1 || m.Reactions[0].Emoji != "❤️" {
				t.Errorf("first reply = %+v", m)
			}
		case "m_OUT2":
			if m.DeliveryState != desk.DeliverySeen {
				t.Errorf("second reply = %s, want seen", m.DeliveryState)
			}
		case "m_OUT3":
			if m.DeliveryState != desk.DeliverySent {
				t.Errorf("third reply (after the watermark) = %s, want sent", m.DeliveryState)
			}
		}
	}

	// Instagram: a story reply and a story mention keep the story's link;
	// a reaction shows on the reply.
	post(ig, "instagram_story_reply.json")
	post(ig, "instagram_story_mention.json")
	var igThread []desk.Message
	var convs list[desk.Conversation]
	e.do("GET", "/api/v1/conversations?view=all&limit=200", e.admin, "", 200, &convs)
	for _, c := range convs.Items {
		if c.Channel == "instagram" {
			var msgs list[desk.Message]
			e.do("GET", "/api/v1/conversations/"+c.ID.String()+"/messages", e.admin, "", 200, &msgs)
			igThread = msgs.Items
		}
	}
	if len(igThread) != 2 || igThread[0].Text != "Love this!\nReplied to your story: https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17895695668004550" ||
		igThread[1].Text != "Mentioned you in their story: https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17895695668004551" {
		t.Fatalf("instagram thread = %+v", igThread)
	}
}

// TestMessengerSeveralPages: one app, one callback URL, two pages; an
// event for a page no channel owns is dropped with 200.
func TestMessengerSeveralPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.mustMetaChannel("messenger", "Page A", "682498302938465")
	e.mustMetaChannel("messenger", "Page B", "700000000000002")
	var doc map[string]any
	json.Unmarshal(fixture(t, "../channel/messenger/testdata/message.json"), &doc)
	entry := func(pageID, psid, mid string) any {
		var d map[string]any
		json.Unmarshal(fixture(t, "../channel/messenger/testdata/message.json"), &d)
		en := d["entry"].([]any)[0].(map[string]any)
		en["id"] = pageID
		ev := en["messaging"].([]any)[0].(map[string]any)
		ev["sender"] = map[string]any{"id": psid}
		ev["recipient"] = map[string]any{"id": pageID}
		ev["message"].(map[string]any)["mid"] = mid
		return en
	}
	doc["entry"] = []any{entry("682498302938465", "111", "m_A"), entry("700000000000002", "222", "m_B"), entry("999", "333", "m_X")}
	body, _ := json.Marshal(doc)
	var got webhookCounts
	json.Unmarshal(e.webhook(a.WebhookPath, string(body), messenger.Sign(fbSecret, body), 200), &got)
	if got.Messages != 2 || got.Dropped != 1 {
		t.Fatalf("answer %+v", got)
	}
	ca, cb := e.conversationOf("111"), e.conversationOf("222")
	if ca == nil || ca.SenderAddress != "682498302938465" || cb == nil || cb.SenderAddress != "700000000000002" || e.conversationOf("333") != nil {
		t.Fatalf("conversations A %+v B %+v", ca, cb)
	}
}
