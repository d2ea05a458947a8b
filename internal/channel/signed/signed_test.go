package signed

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

func mustNew(t *testing.T, base string) desk.Channel {
	t.Helper()
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelApple, Settings: map[string]string{"base_url": base}, Secrets: map[string]string{"secret": "relay-secret"}}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestWebhook(t *testing.T) {
	ch := mustNew(t, "")
	body, _ := os.ReadFile("testdata/events.json")
	tests := []struct {
		name, sig, body, kind string
	}{
		{"signed", Sign("relay-secret", body), string(body), ""},
		{"wrong", Sign("x", body), string(body), desk.EUNAUTHENTICATED},
		{"unsigned", "", string(body), desk.EUNAUTHENTICATED},
		{"malformed", Sign("relay-secret", []byte(`{"events":[{"type":"zap"}]}`)), `{"events":[{"type":"zap"}]}`, desk.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ch.HandleWebhook(context.Background(), &desk.WebhookRequest{Body: []byte(tt.body), Header: map[string][]string{"X-Signature-256": {tt.sig}}})
			if desk.ErrorKind(err) != tt.kind {
				t.Fatalf("error %v, want %q", err, tt.kind)
			}
			if err == nil && (len(res.Messages) != 1 || res.Messages[0].Validate() != nil || len(res.Receipts) != 1 || res.Receipts[0].State != desk.DeliverySeen) {
				t.Fatalf("result %+v", res)
			}
		})
	}
}

func TestSend(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/messages" || r.Header.Get("X-Signature-256") != Sign("relay-secret", b) {
			w.WriteHeader(401)
			return
		}
		json.Unmarshal(b, &got)
		w.Write([]byte(`{"id":"apple-out-1"}`))
	}))
	defer srv.Close()
	res, err := mustNew(t, srv.URL).Send(context.Background(), &desk.OutboundMessage{IdempotencyKey: "k1", To: "u1", Text: "hi", Type: "text"})
	if err != nil || res.ExternalID != "apple-out-1" || got["idempotency_key"] != "k1" {
		t.Fatalf("send %+v %v %v", res, err, got)
	}
}
