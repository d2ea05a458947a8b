package messenger

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

const secret = "meta-app-secret"

func mustNew(t *testing.T, kind, base string) desk.Channel {
	t.Helper()
	ch, err := New(&desk.ChannelConfig{Kind: kind, Settings: map[string]string{"base_url": base},
		Secrets: map[string]string{"app_secret": secret, "verify_token": "vt", "page_access_token": "PAGE-TOKEN"}}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestWebhook(t *testing.T) {
	tests := []struct {
		kind, file, sig string
		errKind         string
		msgs, receipts  int
		state           string
	}{
		{"messenger", "message.json", "", "", 1, 0, ""},
		{"messenger", "image.json", "", "", 1, 0, ""},
		{"messenger", "delivery.json", "", "", 0, 2, desk.DeliveryDelivered},
		{"messenger", "read.json", "", "", 0, 1, desk.DeliverySeen},
		{"messenger", "postback.json", "", "", 1, 0, ""},
		{"messenger", "quick_reply.json", "", "", 1, 0, ""},
		{"messenger", "echo.json", "", "", 0, 0, ""},
		{"instagram", "instagram_read.json", "", "", 0, 1, desk.DeliverySeen},
		{"messenger", "message.json", "wrong", desk.EUNAUTHENTICATED, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.file+tt.sig, func(t *testing.T) {
			ch := mustNew(t, tt.kind, "")
			body, _ := os.ReadFile("testdata/" + tt.file)
			sig := Sign(secret, body)
			if tt.sig == "wrong" {
				sig = Sign("x", body)
			}
			res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST", Body: body, Header: map[string][]string{"X-Hub-Signature-256": {sig}}})
			if desk.ErrorKind(err) != tt.errKind {
				t.Fatalf("error %v, want %q", err, tt.errKind)
			} else if err != nil {
				return
			}
			if len(res.Messages) != tt.msgs || len(res.Receipts) != tt.receipts {
				t.Fatalf("result %+v", res)
			}
			if tt.state != "" && res.Receipts[0].State != tt.state {
				t.Fatalf("receipt %+v", res.Receipts[0])
			}
			for _, m := range res.Messages {
				if m.Channel != tt.kind || m.From != "1254459154682919" || m.Validate() != nil {
					t.Fatalf("message %+v", m)
				}
			}
		})
	}
	ch := mustNew(t, "messenger", "")
	res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "GET", Query: map[string][]string{"hub.mode": {"subscribe"}, "hub.verify_token": {"vt"}, "hub.challenge": {"c"}}})
	if err != nil || string(res.Reply.Body) != "c" {
		t.Fatalf("handshake %v %v", res, err)
	}
}

func TestSend(t *testing.T) {
	tests := []struct {
		status      int
		reply, kind string
	}{
		{200, "send_response.json", ""},
		{400, "error_window.json", desk.EINVALID},
	}
	for _, tt := range tests {
		var got map[string]any
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/me/messages" || r.URL.Query().Get("access_token") != "PAGE-TOKEN" {
				w.WriteHeader(401)
				return
			}
			b, _ := io.ReadAll(r.Body)
			json.Unmarshal(b, &got)
			reply, _ := os.ReadFile("testdata/" + tt.reply)
			w.WriteHeader(tt.status)
			w.Write(reply)
		}))
		res, err := mustNew(t, "messenger", srv.URL).Send(context.Background(), &desk.OutboundMessage{To: "1254459154682919", Text: "hi", Type: "text"})
		srv.Close()
		if desk.ErrorKind(err) != tt.kind {
			t.Fatalf("%s: error %v, want %q", tt.reply, err, tt.kind)
		}
		if err == nil && (res.ExternalID[:2] != "m_" || got["recipient"].(map[string]any)["id"] != "1254459154682919" || got["message"].(map[string]any)["text"] != "hi") {
			t.Fatalf("send %+v body %v", res, got)
		}
	}
}
