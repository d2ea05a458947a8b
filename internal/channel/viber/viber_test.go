package viber

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

const token = "445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9"

func mustNew(t *testing.T, base string) desk.Channel {
	t.Helper()
	ch, err := New(&desk.ChannelConfig{Name: "Acme", Settings: map[string]string{"base_url": base}, Secrets: map[string]string{"auth_token": token}}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestWebhook(t *testing.T) {
	ch := mustNew(t, "")
	tests := []struct {
		file, sig        string
		kind             string
		msgText, receipt string
		wantExt          string
	}{
		{"message_text.json", "", "", "a message to the service", "", "4912661846655238145"},
		{"message_location.json", "", "", "(50.76891, 6.11499)", "", "4912661846655238146"},
		{"delivered.json", "", "", "", desk.DeliveryDelivered, "5741311803571721087"},
		{"seen.json", "", "", "", desk.DeliverySeen, "5741311803571721087"},
		{"failed.json", "", "", "", desk.DeliveryFailed, "5741311803571721087"},
		{"webhook.json", "", "", "", "", ""},
		{"message_text.json", "unsigned", desk.EUNAUTHENTICATED, "", "", ""},
		{"message_text.json", "wrong", desk.EUNAUTHENTICATED, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.sig, func(t *testing.T) {
			body, _ := os.ReadFile("testdata/" + tt.file)
			sig := Sign(token, body)
			switch tt.sig {
			case "unsigned":
				sig = ""
			case "wrong":
				sig = Sign("nope", body)
			}
			res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Method: "POST", Body: body, Header: map[string][]string{"X-Viber-Content-Signature": {sig}}})
			if desk.ErrorKind(err) != tt.kind {
				t.Fatalf("error %v, want %q", err, tt.kind)
			} else if err != nil {
				return
			}
			switch {
			case tt.msgText != "":
				if len(res.Messages) != 1 || res.Messages[0].Text != tt.msgText || res.Messages[0].ExternalID != tt.wantExt || res.Messages[0].From != "01234567890A=" {
					t.Fatalf("messages = %+v", res.Messages)
				}
			case tt.receipt != "":
				if len(res.Receipts) != 1 || res.Receipts[0].State != tt.receipt || res.Receipts[0].ExternalID != tt.wantExt {
					t.Fatalf("receipts = %+v", res.Receipts)
				}
			default:
				if len(res.Messages)+len(res.Receipts) != 0 {
					t.Fatalf("webhook event produced %+v", res)
				}
			}
		})
	}
	bad := []byte(`{"event":"message"}`)
	if _, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Body: bad, Header: map[string][]string{"X-Viber-Content-Signature": {Sign(token, bad)}}}); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("malformed: %v", err)
	}
}

func TestSend(t *testing.T) {
	tests := []struct {
		reply, kind, ext string
	}{
		{"send_response.json", "", "5741311803571721087"},
		{"send_not_subscribed.json", desk.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.reply, func(t *testing.T) {
			var got map[string]any
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/pa/send_message" || r.Header.Get("X-Viber-Auth-Token") != token {
					w.WriteHeader(403)
					return
				}
				b, _ := io.ReadAll(r.Body)
				json.Unmarshal(b, &got)
				reply, _ := os.ReadFile("testdata/" + tt.reply)
				w.Write(reply)
			}))
			defer srv.Close()
			res, err := mustNew(t, srv.URL).Send(context.Background(), &desk.OutboundMessage{To: "01234567890A=", Text: "Hello", Type: "text", IdempotencyKey: "k"})
			if desk.ErrorKind(err) != tt.kind {
				t.Fatalf("error %v, want %q", err, tt.kind)
			} else if err != nil {
				return
			}
			if res.ExternalID != tt.ext || got["receiver"] != "01234567890A=" || got["type"] != "text" || got["text"] != "Hello" {
				t.Fatalf("send %+v body %v", res, got)
			}
		})
	}
}
