package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// TestProviderURLThroughSSRFGuard: a channel whose admin-set base_url is a
// loopback address gets nothing from the server without --outbound-allow
// — not even the access token — and the reply fails at once with the
// reason.
func TestProviderURLThroughSSRFGuard(t *testing.T) {
	fake := newFakeWhatsApp()
	provider := httptest.NewServer(fake)
	defer provider.Close()
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir, "--outbox-poll", "100ms")
	token := login(t, p.url, "admin@example.com", "admin-password")
	const secret = "wa-app-secret-for-the-ssrf-test"
	var ch struct {
		WebhookPath string `json:"webhook_path"`
	}
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "whatsapp", "name": "WA", "sender": "15550783881",
		"settings": map[string]string{"phone_number_id": "106540352242922", "base_url": provider.URL + "/v21.0"},
		"secrets":  map[string]string{"app_secret": secret, "access_token": "tok"}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	inbound, _ := os.ReadFile("../../internal/channel/whatsapp/testdata/text.json")
	req, _ := http.NewRequest("POST", p.url+ch.WebhookPath, strings.NewReader(string(inbound)))
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(secret, inbound))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	resp.Body.Close()
	var convs struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	msgs := p.url + "/api/v1/conversations/" + convs.Items[0].ID + "/messages"
	if code := call(t, "POST", msgs, token, map[string]any{"text": "to an internal address?"}, nil); code != 201 {
		t.Fatalf("reply: %d", code)
	}
	var thread struct {
		Items []struct {
			Direction     string `json:"direction"`
			DeliveryState string `json:"delivery_state"`
			FailureReason string `json:"failure_reason"`
		} `json:"items"`
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		thread.Items = nil
		call(t, "GET", msgs, token, nil, &thread)
		last := thread.Items[len(thread.Items)-1]
		if last.DeliveryState == "failed" {
			if !strings.Contains(last.FailureReason, "--outbound-allow") {
				t.Fatalf("failure reason %q", last.FailureReason)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reply to a loopback provider did not fail: %+v", last)
		}
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.attempts) != 0 {
		t.Fatalf("the loopback provider got %d requests", len(fake.attempts))
	}
}
