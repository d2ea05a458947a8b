package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/channel/livechat"
	"github.com/switchboard-cc/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
)

// jpegHead is the start of a JPEG file: enough for sniffing.
var jpegHead = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")

// fakeGraphMedia plays the Graph API's media endpoints on loopback:
// GET /{media-id} answers the file's URL, GET /files/{media-id} its bytes;
// both need the channel's bearer token. fetched counts byte downloads.
func fakeGraphMedia(t *testing.T, files map[string][]byte, fetched *int) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"error":{"code":190}}`, http.StatusUnauthorized)
			return
		}
		if id, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
			b, ok := files[id]
			if !ok {
				http.NotFound(w, r)
				return
			}
			*fetched++
			w.Header().Set("Content-Type", "image/jpeg") // declared; the content decides
			w.Write(b)
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/")
		json.NewEncoder(w).Encode(map[string]any{"url": srv.URL + "/files/" + id, "mime_type": "image/jpeg", "id": id})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// loopbackMediaClient is the server's media client allowed to reach the
// fake providers on loopback.
func loopbackMediaClient() *http.Client {
	return safehttp.NewClient(safehttp.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, MaxBodyBytes: 100<<20 + 1})
}

// waImage is a signed WhatsApp image notification carrying media id.
func waImage(t *testing.T, wamid, mediaID string) (string, string) {
	t.Helper()
	raw, err := os.ReadFile("../channel/whatsapp/testdata/image.json")
	if err != nil {
		t.Fatal(err)
	}
	body := strings.ReplaceAll(strings.ReplaceAll(string(raw), "wamid.IMG1", wamid), "1003383421387256", mediaID)
	return body, whatsapp.Sign(waSecret, []byte(body))
}

// threadOf returns the WhatsApp customer's thread, read by the system.
func (e *env) threadOf(channel, from string) []*desk.Message {
	e.t.Helper()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cu, err := e.store.FindCustomerByContact(sys, channel, from)
	if err != nil {
		e.t.Fatal(err)
	}
	convs, _, err := e.store.FindConversations(sys, desk.ConversationFilter{View: desk.ViewAll, CustomerID: &cu.ID, Limit: 1})
	if err != nil || len(convs) != 1 {
		e.t.Fatalf("conversations: %v %d", err, len(convs))
	}
	msgs, _, err := e.store.FindMessages(sys, convs[0].ID, desk.MessageFilter{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

// get fetches path with token and returns status and body.
func (e *env) get(path, token string) (int, []byte, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// TestInboundMedia: a customer's WhatsApp media are fetched from the
// provider (the documented two-step media download) through the guarded
// client, sniffed, held to WhatsApp's image limit (5 MB, JPEG/PNG),
// stored, linked to the message and served only to agents who may see the
// conversation; refused files keep the message with the reason; a repeated
// webhook stores nothing twice.
func TestInboundMedia(t *testing.T) {
	fetched := 0
	photo := append(append([]byte{}, jpegHead...), bytes.Repeat([]byte{0x42}, 5000)...)
	graph := fakeGraphMedia(t, map[string][]byte{
		"m-ok":   photo,
		"m-big":  append(append([]byte{}, jpegHead...), make([]byte, 5<<20)...),
		"m-exe":  []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00"),
		"m-html": []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"),
	}, &fetched)
	blobDir := t.TempDir()
	blobs, err := blob.NewDisk(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, Config{BodyLimit: 1 << 20, Blobs: blobs}, func(c *envConfig) { c.MediaClient = loopbackMediaClient() })
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"WA","sender":"15550783881","queue_id":"`+e.queueA.String()+`",
		"settings":{"phone_number_id":"106540352242922","base_url":"`+graph.URL+`"},"secrets":{"app_secret":"`+waSecret+`","access_token":"tok"}}`, 201, &c)

	for _, m := range []struct{ wamid, media string }{
		{"wamid.OK", "m-ok"}, {"wamid.OK", "m-ok"}, {"wamid.BIG", "m-big"}, {"wamid.EXE", "m-exe"},
		{"wamid.HTML", "m-html"}, {"wamid.GONE", "m-missing"},
	} {
		body, sig := waImage(t, m.wamid, m.media)
		e.webhook(c.WebhookPath, body, sig, 200)
	}
	if fetched != 5 { // the repeat of wamid.OK is fetched, then dropped
		t.Fatalf("provider served %d files, want 5", fetched)
	}
	want := map[string]string{"wamid.OK": "", "wamid.BIG": "media_too_large", "wamid.EXE": "media_type_not_allowed",
		"wamid.HTML": "media_type_not_allowed", "wamid.GONE": "media_unavailable"}
	var stored desk.Attachment
	thread := e.threadOf("whatsapp", "16505551234")
	if len(thread) != len(want) {
		t.Fatalf("thread has %d messages, want %d", len(thread), len(want))
	}
	for _, m := range thread {
		if len(m.Attachments) != 1 || m.Type != desk.TypeImage || m.Text != "The crack" {
			t.Fatalf("%s: %+v", m.ExternalID, m)
		}
		a := m.Attachments[0]
		if a.Refused != want[m.ExternalID] {
			t.Fatalf("%s: refused %q, want %q", m.ExternalID, a.Refused, want[m.ExternalID])
		}
		if a.Refused != "" && a.URL != "" {
			t.Fatalf("%s: a refused file has a URL %q", m.ExternalID, a.URL)
		}
		if a.Refused == "" {
			stored = a
		}
	}
	if stored.ContentType != "image/jpeg" || stored.Size != int64(len(photo)) || stored.URL != desk.AttachmentURL(stored.ID) {
		t.Fatalf("stored = %+v", stored)
	}
	if status, b, h := e.get(stored.URL, e.agentA); status != 200 || !bytes.Equal(b, photo) || h.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("agent of the queue: %d %q, %d bytes", status, h.Get("Content-Type"), len(b))
	}
	if status, _, _ := e.get(stored.URL, e.agentB); status != 404 {
		t.Fatalf("agent of another queue: %d, want 404", status)
	}
	if status, _, _ := e.get(stored.URL, ""); status != 401 {
		t.Fatalf("anonymous: %d, want 401", status)
	}
	// The repeat was stored once: one blob on disk.
	files := 0
	filepath.WalkDir(blobDir, func(_ string, d fs.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != 1 {
		t.Fatalf("%d blobs stored, want 1", files)
	}
}

// TestInboundMediaBlocked: without an allow-list the guarded client
// refuses the provider's loopback address (SSRF), so the file is refused
// as unavailable and the message kept.
func TestInboundMediaBlocked(t *testing.T) {
	fetched := 0
	graph := fakeGraphMedia(t, map[string][]byte{"m-ok": jpegHead}, &fetched)
	e := newEnvWith(t, Config{BodyLimit: 1 << 20}, func(c *envConfig) { c.MediaClient = safehttp.NewClient(safehttp.Config{}) })
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"WA","sender":"15550783881",
		"settings":{"phone_number_id":"106540352242922","base_url":"`+graph.URL+`"},"secrets":{"app_secret":"`+waSecret+`","access_token":"tok"}}`, 201, &c)
	body, sig := waImage(t, "wamid.1", "m-ok")
	e.webhook(c.WebhookPath, body, sig, 200)
	thread := e.threadOf("whatsapp", "16505551234")
	if fetched != 0 || len(thread) != 1 || len(thread[0].Attachments) != 1 || thread[0].Attachments[0].Refused != "media_unavailable" {
		t.Fatalf("fetched %d, thread %+v", fetched, thread)
	}
}

// visitorUpload posts a Live Chat visitor's file.
func (e *env) visitorUpload(channelID desk.ID, fields map[string]string, name string, content []byte) (int, []byte) {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, k := range []string{"token", "id", "text"} {
		if v, ok := fields[k]; ok {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(content)
	}
	mw.Close()
	resp, err := http.Post(e.url+"/api/v1/livechat/"+channelID.String()+"/files", mw.FormDataContentType(), &b)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestLiveChatFile: a visitor's upload is authenticated by their session,
// checked by name and content, stored once per widget message ID, and
// threaded as their message with the file served to the queue's agents.
func TestLiveChatFile(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Config{BodyLimit: 1 << 20})
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"livechat","name":"Web","sender":"web","queue_id":"`+e.queueA.String()+`",
		"secrets":{"session_secret":"0123456789abcdef-secret"}}`, 201, &c)
	visitor := livechat.NewVisitorID()
	token := livechat.Sessions{Secret: []byte("0123456789abcdef-secret"), ChannelID: c.ID}.Issue(visitor, time.Now())
	forged := livechat.Sessions{Secret: []byte("another-secret-0123456"), ChannelID: c.ID}.Issue(visitor, time.Now())
	tests := []struct {
		name    string
		fields  map[string]string
		file    string
		content []byte
		status  int
		code    string
	}{
		{"file", map[string]string{"token": token, "id": "f1", "text": "my receipt"}, "receipt.png", pngHead, 201, ""},
		{"resent after a lost answer", map[string]string{"token": token, "id": "f1", "text": "my receipt"}, "receipt.png", pngHead, 201, ""},
		{"forged session", map[string]string{"token": forged, "id": "f2"}, "receipt.png", pngHead, 401, "unauthenticated"},
		{"no session", map[string]string{"id": "f2"}, "receipt.png", pngHead, 401, "unauthenticated"},
		{"executable named png", map[string]string{"token": token, "id": "f3"}, "receipt.png", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), 400, "attachment_content_mismatch"},
		{"no file", map[string]string{"token": token, "id": "f4"}, "", nil, 400, "invalid"},
		{"no id", map[string]string{"token": token}, "receipt.png", pngHead, 400, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			status, body := e.visitorUpload(c.ID, tt.fields, tt.file, tt.content)
			var got apiError
			json.Unmarshal(body, &got)
			if status != tt.status || got.Error.Code != tt.code {
				t.Fatalf("status %d %s, want %d %q", status, body, tt.status, tt.code)
			}
		})
	}
	e.t = t
	thread := e.threadOf("livechat", visitor)
	if len(thread) != 1 || thread[0].Type != desk.TypeImage || thread[0].Text != "my receipt" || len(thread[0].Attachments) != 1 {
		t.Fatalf("thread = %+v", thread)
	}
	a := thread[0].Attachments[0]
	if status, b, _ := e.get(a.URL, e.agentA); status != 200 || !bytes.Equal(b, pngHead) {
		t.Fatalf("agent of the queue: %d", status)
	}
	if status, _, _ := e.get(a.URL, e.agentB); status != 404 {
		t.Fatalf("agent of another queue: %d, want 404", status)
	}
}
