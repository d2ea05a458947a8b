package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// waSent is what the fake Cloud API received: the message object and the
// bytes it fetched from the media link, as Meta does.
type waSent struct {
	Type     string
	Link     string
	Filename string
	Caption  string
	Bytes    []byte
}

// fakeWhatsAppSend plays POST /{phone-number-id}/messages and fetches the
// media link of media messages.
func fakeWhatsAppSend(t *testing.T) (*httptest.Server, func() []waSent) {
	t.Helper()
	var mu sync.Mutex
	var got []waSent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.Method != "POST" || !strings.HasSuffix(r.URL.Path, "/messages") || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.Error(w, `{"error":{"code":100}}`, 400)
			return
		}
		s := waSent{Type: fmt.Sprint(body["type"])}
		if o, ok := body[s.Type].(map[string]any); ok && o["link"] != nil {
			s.Link, _ = o["link"].(string)
			s.Filename, _ = o["filename"].(string)
			s.Caption, _ = o["caption"].(string)
			resp, err := http.Get(s.Link)
			if err != nil || resp.StatusCode != 200 {
				http.Error(w, `{"error":{"code":131053,"message":"media download failed"}}`, 400)
				return
			}
			s.Bytes, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		mu.Lock()
		got = append(got, s)
		n := len(got)
		mu.Unlock()
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.out%d"}]}`, n)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []waSent {
		mu.Lock()
		defer mu.Unlock()
		return append([]waSent(nil), got...)
	}
}

// TestOutboundMedia: an agent's reply with an uploaded file is sniffed,
// held to WhatsApp's documented media limits by its real type and size
// (nothing stored or sent when refused), and sent in the Cloud API's wire
// format with a signed link the provider fetches the bytes from.
func TestOutboundMedia(t *testing.T) {
	provider, received := fakeWhatsAppSend(t)
	blobDir := t.TempDir()
	blobs, err := blob.NewDisk(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	links := &attach.Links{Secret: []byte("0123456789abcdef0123456789abcdef")}
	var worker *outbound.Worker
	e := newEnvWith(t, Config{BodyLimit: 1 << 20, Blobs: blobs, MediaLinks: links}, func(cfg *envConfig) {
		worker = outbound.NewWorker(cfg.Store, cfg.Channels, nil, cfg.Logger, outbound.WorkerConfig{Poll: 50 * time.Millisecond,
			Media: &attach.Outbound{Attachments: cfg.Store, Blobs: cfg.Blobs, Links: links}})
		cfg.Notify = worker.Notify
	})
	links.BaseURL = e.url
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); worker.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })

	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"WA","sender":"15550783881","queue_id":"`+e.queueA.String()+`",
		"settings":{"phone_number_id":"106540352242922","base_url":"`+provider.URL+`"},"secrets":{"app_secret":"`+waSecret+`","access_token":"tok"}}`, 201, &c)
	text, _ := os.ReadFile("../channel/whatsapp/testdata/text.json")
	e.webhook(c.WebhookPath, string(text), whatsapp.Sign(waSecret, text), 200)
	conv := e.threadOf("whatsapp", "16505551234")[0].ConversationID
	msgs := "/api/v1/conversations/" + conv.String() + "/messages"

	png := append(append([]byte{}, pngHead...), bytes.Repeat([]byte{7}, 2048)...)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	webp := []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00")
	mp4 := append([]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), make([]byte, 16<<20)...)
	// WhatsApp video may be 3GPP (D4): a real 3GP header (ftyp 3gp4).
	threeGP, err := os.ReadFile("../attach/testdata/sample.3gp")
	if err != nil {
		t.Fatal(err)
	}
	refusals := []struct {
		name   string
		fields map[string]string
		files  map[string][]byte
		status int
		code   string
	}{
		{"webp is no WhatsApp image", nil, map[string][]byte{"pic.webp": webp}, 400, "media_type_not_allowed"},
		{"a PNG is no WhatsApp document", map[string]string{"type": "file"}, map[string][]byte{"shot.png": png}, 400, "media_type_not_allowed"},
		{"video over 16 MB", nil, map[string][]byte{"clip.mp4": mp4}, 413, "media_too_large"},
		{"3gp is no note format (D3)", map[string]string{"type": "note"}, map[string][]byte{"clip.3gp": threeGP}, 400, "attachment_type_not_allowed"},
		{"mp4 content named 3gp", nil, map[string][]byte{"clip.3gp": mp4[:4096]}, 400, "attachment_content_mismatch"},
		{"executable named pdf", nil, map[string][]byte{"invoice.pdf": []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")}, 400, "attachment_content_mismatch"},
		{"another queue's agent", nil, map[string][]byte{"shot.png": png}, 404, "not_found"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			tok := e.agentA
			if tt.code == "not_found" {
				tok = e.agentB
			}
			status, body := e.upload(msgs, tok, tt.fields, tt.files)
			var got apiError
			json.Unmarshal(body, &got)
			if status != tt.status || got.Error.Code != tt.code {
				t.Fatalf("status %d %s, want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
	e.t = t

	status, body := e.upload(msgs, e.agentA, map[string]string{"text": "Here it is"}, map[string][]byte{"shot.png": png})
	if status != 201 {
		t.Fatalf("image reply: %d %s", status, body)
	}
	var img desk.Message
	json.Unmarshal(body, &img)
	if img.Type != desk.TypeImage || len(img.Attachments) != 1 || img.Attachments[0].ContentType != "image/png" {
		t.Fatalf("image reply = %s", body)
	}
	if status, body := e.upload(msgs, e.agentA, nil, map[string][]byte{"invoice.pdf": pdf}); status != 201 {
		t.Fatalf("document reply: %d %s", status, body)
	}
	status, body = e.upload(msgs, e.agentA, nil, map[string][]byte{"clip.3gp": threeGP})
	var vid desk.Message
	json.Unmarshal(body, &vid)
	if status != 201 || vid.Type != desk.TypeVideo || len(vid.Attachments) != 1 || vid.Attachments[0].ContentType != "video/3gpp" {
		t.Fatalf("3gp video reply: %d %s", status, body)
	}

	var sent []waSent
	for deadline := time.Now().Add(30 * time.Second); len(sent) < 3 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		sent = received()
	}
	if len(sent) != 3 {
		t.Fatalf("provider received %d messages, want 3", len(sent))
	}
	byType := map[string]waSent{}
	for _, s := range sent {
		byType[s.Type] = s
	}
	if v := byType["video"]; !bytes.Equal(v.Bytes, threeGP) {
		t.Fatalf("3gp video sent = %+v", v.Type)
	}
	if s := byType["image"]; !bytes.Equal(s.Bytes, png) || s.Caption != "Here it is" || !strings.HasPrefix(s.Link, e.url+"/media/") {
		t.Fatalf("image sent = %+v", s)
	}
	doc := byType["document"]
	if !bytes.Equal(doc.Bytes, pdf) || doc.Filename != "invoice.pdf" {
		t.Fatalf("document sent = %+v", doc)
	}
	// Anyone holding the link opens it, from any site (the Live Chat
	// widget previews images from these links on the customer's page).
	if status, b, h := e.get(doc.Link[len(e.url):], ""); status != 200 || !bytes.Equal(b, pdf) || h.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Fatalf("link: %d, CORP %q", status, h.Get("Cross-Origin-Resource-Policy"))
	}
	// The link is the provider's only: tampered, it opens nothing.
	if status, _, _ := e.get(strings.Replace(doc.Link, "/media/", "/media/1", 1)[len(e.url):], ""); status != 404 {
		t.Fatalf("tampered link: %d, want 404", status)
	}
	// Refused uploads left nothing behind: two files stored.
	files := 0
	filepath.WalkDir(blobDir, func(_ string, d fs.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != 3 {
		t.Fatalf("%d blobs stored, want 3", files)
	}
}
