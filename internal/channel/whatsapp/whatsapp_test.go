package whatsapp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const secret = "app-secret-for-tests"

func mustNew(t *testing.T, base string) *Channel {
	t.Helper()
	cfg := &desk.ChannelConfig{Settings: map[string]string{"base_url": base, "phone_number_id": "106540352242922"},
		Secrets: map[string]string{"app_secret": secret, "verify_token": "vt-123", "access_token": "EAAG-token"}}
	ch, err := New(cfg, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	return ch.(*Channel)
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(body []byte, sig string) *desk.WebhookRequest {
	return &desk.WebhookRequest{Method: "POST", Body: body, Header: map[string][]string{"X-Hub-Signature-256": {sig}}}
}

func TestNewRequiresSecrets(t *testing.T) {
	if _, err := New(&desk.ChannelConfig{Settings: map[string]string{"phone_number_id": "1"}}, nil); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("config without app_secret: %v", err)
	}
}

func TestVerifyHandshake(t *testing.T) {
	ch := mustNew(t, "")
	tests := []struct {
		name, mode, token string
		ok                bool
	}{
		{"right token", "subscribe", "vt-123", true},
		{"wrong token", "subscribe", "nope", false},
		{"wrong mode", "unsubscribe", "vt-123", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "GET",
				Query: map[string][]string{"hub.mode": {tt.mode}, "hub.verify_token": {tt.token}, "hub.challenge": {"1158201444"}}})
			if tt.ok && (err != nil || string(res.Reply.Body) != "1158201444" || res.Reply.Status != 200) {
				t.Fatalf("handshake: %+v %v", res, err)
			} else if !tt.ok && desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
				t.Fatalf("bad handshake accepted: %v", err)
			}
		})
	}
}

func TestWebhookSignature(t *testing.T) {
	ch := mustNew(t, "")
	body := mustRead(t, "text.json")
	tests := []struct {
		name string
		sig  string
		kind string
	}{
		{"signed", Sign(secret, body), ""},
		{"unsigned", "", desk.EUNAUTHENTICATED},
		{"wrong secret", Sign("other", body), desk.EUNAUTHENTICATED},
		{"not hex", "sha256=zz", desk.EUNAUTHENTICATED},
		{"sha1 header", "sha1=" + Sign(secret, body)[7:], desk.EUNAUTHENTICATED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ch.HandleWebhook(context.Background(), post(body, tt.sig))
			if desk.ErrorKind(err) != tt.kind {
				t.Fatalf("error %v, want kind %q", err, tt.kind)
			}
		})
	}
}

func TestWebhookMessages(t *testing.T) {
	ch := mustNew(t, "")
	tests := []struct {
		file, typ, text, ext string
		attach               string
	}{
		{"text.json", desk.TypeText, "Does it come in another color?", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", ""},
		{"image.json", desk.TypeImage, "The crack", "wamid.IMG1", "image/jpeg"},
		{"document.json", desk.TypeFile, "Invoice", "wamid.DOC1", "application/pdf"},
		{"location.json", desk.TypeLocation, "Main Street Beans, 1 Hacker Way, Menlo Park, CA 94025 (37.483307, -122.148981)", "wamid.LOC1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := mustRead(t, tt.file)
			res, err := ch.HandleWebhook(context.Background(), post(body, Sign(secret, body)))
			if err != nil || len(res.Messages) != 1 {
				t.Fatalf("%+v %v", res, err)
			}
			m := res.Messages[0]
			if m.Type != tt.typ || m.Text != tt.text || m.ExternalID != tt.ext || m.From != "16505551234" || m.To != "15550783881" || m.Name != "Sheena Nelson" {
				t.Fatalf("message = %+v", m)
			}
			if tt.attach != "" && (len(m.Attachments) != 1 || m.Attachments[0].ContentType != tt.attach) {
				t.Fatalf("attachments = %+v", m.Attachments)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("parsed message does not validate: %v", err)
			}
		})
	}
}

func TestWebhookStatuses(t *testing.T) {
	ch := mustNew(t, "")
	body := mustRead(t, "statuses.json")
	res, err := ch.HandleWebhook(context.Background(), post(body, Sign(secret, body)))
	if err != nil || len(res.Receipts) != 4 {
		t.Fatalf("%+v %v", res, err)
	}
	want := []string{desk.DeliverySent, desk.DeliveryDelivered, desk.DeliverySeen, desk.DeliveryFailed}
	for i, r := range res.Receipts {
		if r.State != want[i] {
			t.Errorf("receipt %d: %s, want %s", i, r.State, want[i])
		}
	}
	if r := res.Receipts[3]; r.ExternalID != "wamid.OUT2" || r.Reason != "131047 Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number." {
		t.Fatalf("failed receipt = %+v", r)
	}
}

func TestWebhookMalformed(t *testing.T) {
	ch := mustNew(t, "")
	for _, body := range []string{`{"object":`, `{"object":"page","entry":[]}`} {
		_, err := ch.HandleWebhook(context.Background(), post([]byte(body), Sign(secret, []byte(body))))
		if desk.ErrorKind(err) != desk.EINVALID {
			t.Errorf("%s: %v, want invalid", body, err)
		}
	}
	// A malformed message inside a notification is rejected on its own.
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":"1","id":"x","type":"image"},{"from":"16505551234","id":"ok","type":"text","text":{"body":"hi"}}]}}]}]}`)
	res, err := ch.HandleWebhook(context.Background(), post(body, Sign(secret, body)))
	if err != nil || len(res.Messages) != 1 || res.Messages[0].ExternalID != "ok" || len(res.Rejected) != 1 ||
		string(res.Rejected[0].Source) != `{"from":"1","id":"x","type":"image"}` {
		t.Fatalf("%+v %v", res, err)
	}
}

// fake is a local Cloud API: it checks the documented request and answers
// with the documented response (or error) from testdata.
type fake struct {
	mu     sync.Mutex
	bodies []map[string]any
	status int
	reply  []byte
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != "POST" || r.URL.Path != "/v21.0/106540352242922/messages" || r.Header.Get("Authorization") != "Bearer EAAG-token" {
		http.Error(w, `{"error":{"message":"bad request line or token","code":190}}`, 401)
		return
	}
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	f.mu.Lock()
	f.bodies = append(f.bodies, m)
	f.mu.Unlock()
	w.WriteHeader(f.status)
	w.Write(f.reply)
}

func TestSend(t *testing.T) {
	tpl := &desk.TemplateCall{Name: "order_update", Language: "en_US", Variables: []string{"Ann", "42"}}
	tests := []struct {
		name    string
		msg     desk.OutboundMessage
		status  int
		reply   string
		kind    string // error kind; "" = success, "retry" = transient
		typeKey string
	}{
		{"text", desk.OutboundMessage{Type: "text", Text: "Hello"}, 200, "send_response.json", "", "text"},
		{"template", desk.OutboundMessage{Type: "template", Template: tpl}, 200, "send_response.json", "", "template"},
		{"location", desk.OutboundMessage{Type: "location", Location: &desk.Location{Name: "HQ", Latitude: 1, Longitude: 2}}, 200, "send_response.json", "", "location"},
		{"document", desk.OutboundMessage{Type: "file", Attachments: []desk.Attachment{{Name: "a.pdf", URL: "https://x/a.pdf"}}}, 200, "send_response.json", "", "document"},
		{"outside window", desk.OutboundMessage{Type: "text", Text: "late"}, 400, "error_window.json", desk.EINVALID, ""},
		{"server error", desk.OutboundMessage{Type: "text", Text: "x"}, 503, "error_window.json", desk.EINTERNAL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{status: tt.status, reply: mustRead(t, tt.reply)}
			srv := httptest.NewServer(f)
			defer srv.Close()
			ch := mustNew(t, srv.URL+"/v21.0")
			tt.msg.To, tt.msg.IdempotencyKey = "16505551234", "k1"
			res, err := ch.Send(context.Background(), &tt.msg)
			if tt.kind != "" {
				if desk.ErrorKind(err) != tt.kind {
					t.Fatalf("error %v, want kind %s", err, tt.kind)
				}
				return
			}
			if err != nil || res.ExternalID != "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA" {
				t.Fatalf("send: %+v %v", res, err)
			}
			got := f.bodies[0]
			if got["messaging_product"] != "whatsapp" || got["to"] != "16505551234" || got["type"] != tt.typeKey || got[tt.typeKey] == nil {
				t.Fatalf("request body = %v", got)
			}
			if tt.name == "template" {
				tm := got["template"].(map[string]any)
				params := tm["components"].([]any)[0].(map[string]any)["parameters"].([]any)
				if tm["name"] != "order_update" || len(params) != 2 {
					t.Fatalf("template = %v", tm)
				}
			}
		})
	}
}
