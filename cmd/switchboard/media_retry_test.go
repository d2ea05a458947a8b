package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// fakeWhatsAppMedia serves the Cloud API's two-step media download; while
// down, the first step answers 503.
type fakeWhatsAppMedia struct {
	mu   sync.Mutex
	down bool
	gets int
	file []byte
	srv  *httptest.Server
}

func (f *fakeWhatsAppMedia) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/file" {
		w.Write(f.file)
		return
	}
	f.gets++
	if f.down {
		http.Error(w, `{"error":{"code":2}}`, http.StatusServiceUnavailable)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"url": f.srv.URL + "/file", "mime_type": "image/jpeg"})
}

func (f *fakeWhatsAppMedia) state() (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets, f.down
}

// TestMediaRetrySurvivesRestart: a customer's photo whose provider answers
// 503 is stored pending; the server retries it, is SIGKILLed, and the
// restarted server still holds the job and stores the photo once the
// provider is back.
func TestMediaRetrySurvivesRestart(t *testing.T) {
	photo := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), bytes.Repeat([]byte{9}, 2000)...)
	fake := &fakeWhatsAppMedia{down: true, file: photo}
	fake.srv = httptest.NewServer(fake)
	defer fake.srv.Close()
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	args := []string{"--data", dir, "--outbound-allow", "127.0.0.1", "--media-retries", "30", "--media-retry-base", "100ms", "--media-retry-lease", "1s"}
	p := MustServe(t, args...)
	token := login(t, p.url, "admin@example.com", "admin-password")
	const secret = "wa-app-secret-for-the-media-test"
	var ch struct {
		WebhookPath string `json:"webhook_path"`
	}
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "whatsapp", "name": "WA", "sender": "15550783881",
		"settings": map[string]string{"phone_number_id": "106540352242922", "base_url": fake.srv.URL},
		"secrets":  map[string]string{"app_secret": secret, "access_token": "tok"}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	body, _ := os.ReadFile("../../internal/channel/whatsapp/testdata/image.json")
	req, _ := http.NewRequest("POST", p.url+ch.WebhookPath, bytes.NewReader(body))
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(secret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	resp.Body.Close()

	type file struct {
		Pending bool   `json:"pending"`
		Refused string `json:"refused"`
		URL     string `json:"url"`
	}
	files := func(base string) []file {
		var convs struct {
			Items []struct{ ID string } `json:"items"`
		}
		call(t, "GET", base+"/api/v1/conversations?view=all", token, nil, &convs)
		if len(convs.Items) != 1 {
			t.Fatalf("%d conversations", len(convs.Items))
		}
		var thread struct {
			Items []struct {
				Attachments []file `json:"attachments"`
			} `json:"items"`
		}
		call(t, "GET", base+"/api/v1/conversations/"+convs.Items[0].ID+"/messages", token, nil, &thread)
		if len(thread.Items) != 1 || len(thread.Items[0].Attachments) != 1 {
			t.Fatalf("thread %+v", thread.Items)
		}
		return thread.Items[0].Attachments
	}
	if f := files(p.url); !f[0].Pending || f[0].URL != "" {
		t.Fatalf("stored at once: %+v", f)
	}
	// Wait for a retry on this server (the webhook's GET was the first).
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if n, _ := fake.state(); n >= 2 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("no retry: %d GETs", n)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	before, _ := fake.state()
	fake.mu.Lock()
	fake.down = false
	fake.mu.Unlock()

	p2 := MustServe(t, args...)
	var f []file
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if f = files(p2.url); !f[0].Pending || time.Now().After(deadline) {
			break
		}
	}
	if f[0].Pending || f[0].Refused != "" || !strings.HasPrefix(f[0].URL, "/api/v1/attachments/") {
		t.Fatalf("after the restart: %+v", f)
	}
	after, _ := fake.state()
	if after <= before {
		t.Fatalf("the restarted server did not fetch: %d GETs before, %d after", before, after)
	}
	req, _ = http.NewRequest("GET", p2.url+f[0].URL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, photo) {
		t.Fatalf("served %d bytes, want the photo", len(got))
	}
	t.Logf("%d GETs before the kill, %d in all", before, after)
}
