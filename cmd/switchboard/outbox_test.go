package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// fakeWhatsApp is a local Cloud API: it accepts each idempotency key once
// (a repeat gets the first answer back and is counted as a replay) and
// remembers which text each key carried.
type fakeWhatsApp struct {
	mu       sync.Mutex
	byKey    map[string]string // idempotency key → text
	attempts map[string]int
	byText   map[string][]string // text → keys that carried it
}

func newFakeWhatsApp() *fakeWhatsApp {
	return &fakeWhatsApp{byKey: map[string]string{}, attempts: map[string]int{}, byText: map[string][]string{}}
}

func (f *fakeWhatsApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if r.URL.Path != "/v21.0/106540352242922/messages" || r.Header.Get("Authorization") != "Bearer tok" || key == "" {
		http.Error(w, `{"error":{"message":"bad request","code":100}}`, 400)
		return
	}
	var body struct {
		To   string `json:"to"`
		Text struct {
			Body string `json:"body"`
		} `json:"text"`
	}
	b, _ := io.ReadAll(r.Body)
	json.Unmarshal(b, &body)
	time.Sleep(time.Millisecond) // a provider takes a moment; keeps the burst in flight
	f.mu.Lock()
	f.attempts[key]++
	if _, seen := f.byKey[key]; !seen {
		f.byKey[key] = body.Text.Body
		f.byText[body.Text.Body] = append(f.byText[body.Text.Body], key)
	}
	f.mu.Unlock()
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.%s"}]}`, body.To, body.To, key)
}

func (f *fakeWhatsApp) has(text string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.byText[text]) > 0
}

// TestOutboxSurvivesSIGKILL sends a burst of replies to a WhatsApp channel
// whose provider is a local fake, SIGKILLs the server mid-burst, restarts it
// on the same data and shows every accepted reply reached the provider,
// each under exactly one idempotency key, and ended up "sent"; a provider
// that ignored the key (as WhatsApp and Twilio do) would have received at
// most one repeat per sender — the sends in flight at the kill — and each
// repeated reply is flagged maybe_duplicate. On SQLite and PostgreSQL.
func TestOutboxSurvivesSIGKILL(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testOutboxSIGKILL(t, []string{"--data", t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) { testOutboxSIGKILL(t, []string{"--db", pgSchema(t), "--data", t.TempDir()}) })
}

func testOutboxSIGKILL(t *testing.T, storeArgs []string) {
	fake := newFakeWhatsApp()
	provider := httptest.NewServer(fake)
	defer provider.Close()
	MustRun(t, append([]string{"user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin"}, storeArgs...)...)
	const senders = 8
	serveArgs := []string{"--outbound-allow", "127.0.0.1", "--outbox-lease", "2s", "--outbox-poll", "100ms", "--outbox-senders", strconv.Itoa(senders)}
	serveArgs = append(serveArgs, storeArgs...)
	p := MustServe(t, serveArgs...)
	token := login(t, p.url, "admin@example.com", "admin-password")

	const secret = "wa-app-secret-for-the-kill-test"
	var ch struct {
		ID          string `json:"id"`
		WebhookPath string `json:"webhook_path"`
	}
	code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "whatsapp", "name": "WA", "sender": "15550783881",
		"settings": map[string]string{"phone_number_id": "106540352242922", "base_url": provider.URL + "/v21.0"},
		"secrets":  map[string]string{"app_secret": secret, "access_token": "tok"}}, &ch)
	if code != 201 {
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
	if len(convs.Items) != 1 {
		t.Fatalf("%d conversations", len(convs.Items))
	}
	msgsURL := "/api/v1/conversations/" + convs.Items[0].ID + "/messages"

	var mu sync.Mutex
	var accepted []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				text := fmt.Sprintf("burst %d-%d", w, i)
				req, _ := http.NewRequest("POST", p.url+msgsURL, strings.NewReader(`{"text":"`+text+`"}`))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 201 {
					mu.Lock()
					accepted = append(accepted, text)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(800 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	close(stop)
	wg.Wait()
	mu.Lock()
	n := len(accepted)
	mu.Unlock()
	if n < 20 {
		t.Fatalf("only %d replies accepted before the kill; the test proves nothing", n)
	}
	fake.mu.Lock()
	sentBeforeRestart := len(fake.byKey)
	fake.mu.Unlock()

	p2 := MustServe(t, serveArgs...)
	token = login(t, p2.url, "admin@example.com", "admin-password")
	deadline := time.Now().Add(30 * time.Second)
	for _, text := range accepted {
		for !fake.has(text) {
			if time.Now().After(deadline) {
				t.Fatalf("accepted reply %q never reached the provider", text)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// Every message the store holds ends "sent", with the provider's ID.
	var thread struct {
		Items []struct {
			Text           string `json:"text"`
			Direction      string `json:"direction"`
			DeliveryState  string `json:"delivery_state"`
			ExternalID     string `json:"external_id"`
			MaybeDuplicate bool   `json:"maybe_duplicate"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	for {
		pending := 0
		cursor, all := "", 0
		flagged := map[string]bool{}
		for {
			thread.NextCursor, thread.Items = "", nil // fields left out (false flags) must not keep older values
			call(t, "GET", p2.url+msgsURL+"?limit=200&cursor="+cursor, token, nil, &thread)
			for _, m := range thread.Items {
				if m.Direction == "out" {
					all++
					if m.MaybeDuplicate {
						flagged[m.Text] = true
					}
					if m.DeliveryState != "sent" || !strings.HasPrefix(m.ExternalID, "wamid.sb-") {
						pending++
					}
				}
			}
			if cursor = thread.NextCursor; cursor == "" {
				break
			}
		}
		if pending == 0 {
			fake.mu.Lock()
			defer fake.mu.Unlock()
			replays := 0
			for text, keys := range fake.byText {
				if len(keys) != 1 {
					t.Fatalf("%q reached the provider under %d idempotency keys", text, len(keys))
				}
			}
			// Only sends in flight at the kill can be repeated — at most one
			// per sender — and each repeated one is flagged for the agent.
			for key, a := range fake.attempts {
				replays += a - 1
				if a > 1 && !flagged[fake.byKey[key]] {
					t.Fatalf("%q reached the provider %d times but is not flagged maybe_duplicate", fake.byKey[key], a)
				}
			}
			if replays > senders || len(flagged) > senders {
				t.Fatalf("%d repeated sends, %d flagged: more than the %d senders had in flight", replays, len(flagged), senders)
			}
			if len(fake.byKey) != all {
				t.Fatalf("provider accepted %d keys for %d stored replies", len(fake.byKey), all)
			}
			t.Logf("%d replies accepted before SIGKILL (%d stored), %d delivered before the kill, all %d delivered once per key after restart (%d repeated sends, %d flagged maybe_duplicate, %d senders)",
				n, all, sentBeforeRestart, len(fake.byKey), replays, len(flagged), senders)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d stored replies not sent after restart; last page: %+v", pending, thread.Items[len(thread.Items)-1])
		}
		time.Sleep(100 * time.Millisecond)
	}
}
