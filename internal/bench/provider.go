package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
)

// Provider is a local fake of the WhatsApp Cloud API's send endpoint that
// notes when each benchmark message arrived. Texts of benchmark replies
// end in "#<sequence number>".
type Provider struct {
	URL  string
	srv  *httptest.Server
	mu   sync.Mutex
	seen map[int64]time.Time
}

// StartProvider starts the fake on a loopback port.
func StartProvider() *Provider {
	p := &Provider{seen: map[int64]time.Time{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p
}

// Close stops the fake.
func (p *Provider) Close() { p.srv.Close() }

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	var body struct {
		Text struct {
			Body string `json:"body"`
		} `json:"text"`
	}
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &body)
	if i := strings.LastIndexByte(body.Text.Body, '#'); i >= 0 {
		if n, err := strconv.ParseInt(body.Text.Body[i+1:], 10, 64); err == nil {
			p.mu.Lock()
			if _, dup := p.seen[n]; !dup {
				p.seen[n] = at
			}
			p.mu.Unlock()
		}
	}
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.%s"}]}`, r.Header.Get("Idempotency-Key"))
}

// arrival returns when message n reached the fake.
func (p *Provider) arrival(n int64) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.seen[n]
	return t, ok
}

// WhatsAppChannel is a WhatsApp channel created on the server for a run.
type WhatsAppChannel struct {
	ID, WebhookPath, Secret string
}

// CreateWhatsAppChannel configures a WhatsApp channel whose sends go to
// baseURL (the fake) and whose webhooks are signed with a fresh secret.
func CreateWhatsAppChannel(ctx context.Context, target, token, baseURL, runID string) (*WhatsAppChannel, error) {
	secret := "bench-secret-" + runID
	body, _ := json.Marshal(map[string]any{"kind": "whatsapp", "name": "bench " + runID, "sender": "15550000000",
		"settings": map[string]string{"phone_number_id": "106540352242922", "base_url": baseURL},
		"secrets":  map[string]string{"app_secret": secret, "access_token": "bench"}})
	var out struct {
		ID          string `json:"id"`
		WebhookPath string `json:"webhook_path"`
	}
	if err := do(ctx, http.DefaultClient, "POST", target+"/api/v1/channels", token, body, nil, &out); err != nil {
		return nil, fmt.Errorf("create channel: %w", err)
	}
	return &WhatsAppChannel{ID: out.ID, WebhookPath: out.WebhookPath, Secret: secret}, nil
}

// AppendWhatsAppText appends a WhatsApp text notification from customer
// cust with message ID ext, as Meta sends it.
func AppendWhatsAppText(b []byte, cust int64, ext, text string) []byte {
	b = append(b, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Bench"},"wa_id":"`...)
	b = strconv.AppendInt(b, 16500000000+cust, 10)
	b = append(b, `"}],"messages":[{"from":"`...)
	b = strconv.AppendInt(b, 16500000000+cust, 10)
	b = append(b, `","id":"wamid.`...)
	b = append(b, ext...)
	b = append(b, `","timestamp":"1749416383","type":"text","text":{"body":"`...)
	b = append(b, text...)
	return append(b, `"}}]},"field":"messages"}]}]}`...)
}

// SignWhatsApp sets the X-Hub-Signature-256 header of a webhook request.
func SignWhatsApp(secret string) func(*http.Request, []byte) {
	return func(r *http.Request, body []byte) { r.Header.Set("X-Hub-Signature-256", whatsapp.Sign(secret, body)) }
}

// do sends a JSON request, checks for 2xx and decodes the answer into out.
func do(ctx context.Context, c *http.Client, method, url, token string, body []byte, sign func(*http.Request, []byte), out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if sign != nil {
		sign(req, body)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}
