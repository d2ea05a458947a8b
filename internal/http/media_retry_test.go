package http

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/attach"
	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/channel/messenger"
	"github.com/switchboard-cc/switchboard/internal/channel/registry"
	"github.com/switchboard-cc/switchboard/internal/channel/twilio"
	"github.com/switchboard-cc/switchboard/internal/channel/viber"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// flakyGraph plays the Graph API's media endpoints (see fakeGraphMedia)
// with trouble: the first GET of a media ID answers 503 fails[id] times
// (-1: always), or the given status code (status[id]) for good.
type flakyGraph struct {
	mu     sync.Mutex
	files  map[string][]byte
	fails  map[string]int
	status map[string]int
	slow   map[string]time.Duration // a delay before answering
	gets   map[string]int           // GETs of each media ID
}

func startFlakyGraph(t *testing.T, g *flakyGraph) *httptest.Server {
	t.Helper()
	g.gets = map[string]int{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := g.slow[strings.TrimPrefix(r.URL.Path, "/")]; d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if id, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
			w.Write(g.files[id])
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/")
		g.gets[id]++
		if s := g.status[id]; s != 0 {
			http.Error(w, `{"error":{"code":100}}`, s)
			return
		}
		if n := g.fails[id]; n != 0 {
			g.fails[id] = n - 1
			http.Error(w, `{"error":{"code":2,"message":"Service temporarily unavailable"}}`, http.StatusServiceUnavailable)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"url": srv.URL + "/files/" + id, "mime_type": "image/jpeg", "id": id})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (g *flakyGraph) count(id string) int { g.mu.Lock(); defer g.mu.Unlock(); return g.gets[id] }

// newRetryEnv is a server with inbound media retries on, and a Retrier
// of its jobs, whose store, server and retrier share a settable clock.
func newRetryEnv(t *testing.T, retry *attach.RetryConfig) (*env, *sqlstore.Store, *sqlstore.ChangeForwarder, *storetest.Clock, *attach.Retrier) {
	t.Helper()
	clock := storetest.NewClock()
	changes := &sqlstore.ChangeForwarder{}
	st, err := sqlite.OpenWith(context.Background(), filepath.Join(t.TempDir(), "t.db"), clock, sqlstore.Options{Changes: changes.Handle})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	adapters := registry.New(nil, nil)
	e := newEnvOn(t, st, Config{BodyLimit: 1 << 20, Clock: clock, Blobs: blobs, Channels: adapters}, func(c *envConfig) {
		c.MediaClient, c.MediaRetry = loopbackMediaClient(), retry
	})
	retrier := &attach.Retrier{Jobs: st, Adapters: adapters,
		Inbound: &attach.Inbound{Blobs: blobs, Client: loopbackMediaClient(), Retry: retry, Clock: clock}}
	return e, st, changes, clock, retrier
}

// TestInboundMediaRetry: a customer's file whose provider answers 503 is
// stored with its message at once, pending, and fetched again by the
// durable media job with exponential backoff: the first retry brings it
// (served to agents, the workspace told); a provider that keeps failing
// gets three attempts in all, then the file is refused with the reason;
// a 404, or content D4 refuses, is never retried.
func TestInboundMediaRetry(t *testing.T) {
	photo := append(append([]byte{}, jpegHead...), bytes.Repeat([]byte{7}, 3000)...)
	g := &flakyGraph{
		files:  map[string][]byte{"m-flaky": photo, "m-down": photo, "m-exe": []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")},
		fails:  map[string]int{"m-flaky": 1, "m-down": -1, "m-exe": 1},
		status: map[string]int{"m-gone": http.StatusNotFound},
	}
	graph := startFlakyGraph(t, g)
	e, _, changes, clock, retrier := newRetryEnv(t, &attach.RetryConfig{Attempts: 3, Base: time.Minute})
	var mu sync.Mutex
	var updated []desk.Change
	changes.Bind(func(chs []desk.Change) {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range chs {
			if c.Type == desk.ChangeMessageUpdated {
				updated = append(updated, c)
			}
		}
	})
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"WA","sender":"15550783881","queue_id":"`+e.queueA.String()+`",
		"settings":{"phone_number_id":"106540352242922","base_url":"`+graph.URL+`"},"secrets":{"app_secret":"`+waSecret+`","access_token":"tok"}}`, 201, &c)
	for _, m := range []struct{ wamid, media string }{{"wamid.FLAKY", "m-flaky"}, {"wamid.DOWN", "m-down"}, {"wamid.GONE", "m-gone"}, {"wamid.EXE", "m-exe"}} {
		body, sig := waImage(t, m.wamid, m.media)
		e.webhook(c.WebhookPath, body, sig, 200)
	}
	files := func() map[string]desk.Attachment {
		out := map[string]desk.Attachment{}
		for _, m := range e.threadOf("whatsapp", "16505551234") {
			if len(m.Attachments) != 1 {
				t.Fatalf("%s: %+v", m.ExternalID, m.Attachments)
			}
			out[m.ExternalID] = m.Attachments[0]
		}
		return out
	}
	// Stored at once: the 503s pending, the 404 refused without a job.
	got := files()
	if !got["wamid.FLAKY"].Pending || !got["wamid.DOWN"].Pending || !got["wamid.EXE"].Pending ||
		got["wamid.GONE"].Pending || got["wamid.GONE"].Refused != "media_unavailable" || got["wamid.FLAKY"].URL != "" {
		t.Fatalf("after the webhooks: %+v", got)
	}
	// The agent's thread says so.
	var thread struct {
		Items []struct {
			Attachments []struct {
				Pending bool   `json:"pending"`
				URL     string `json:"url"`
			} `json:"attachments"`
		} `json:"items"`
	}
	convID := e.threadOf("whatsapp", "16505551234")[0].ConversationID
	e.do("GET", "/api/v1/conversations/"+convID.String()+"/messages", e.agentA, "", 200, &thread)
	if len(thread.Items) != 4 || !thread.Items[0].Attachments[0].Pending {
		t.Fatalf("thread over the API: %+v", thread.Items)
	}

	run := func(want int) {
		t.Helper()
		n, err := retrier.RunOnce(context.Background())
		if err != nil || n != want {
			t.Fatalf("retried %d jobs (%v), want %d", n, err, want)
		}
	}
	run(0) // nothing is due before the first wait
	clock.Add(time.Minute)
	run(3)
	got = files()
	flaky := got["wamid.FLAKY"]
	if flaky.Pending || flaky.Refused != "" || flaky.ContentType != "image/jpeg" || flaky.Size != int64(len(photo)) || flaky.URL != desk.AttachmentURL(flaky.ID) {
		t.Fatalf("503 then 200: %+v", flaky)
	}
	if status, b, _ := e.get(flaky.URL, e.agentA); status != 200 || !bytes.Equal(b, photo) {
		t.Fatalf("serving the retried file: %d, %d bytes", status, len(b))
	}
	if exe := got["wamid.EXE"]; exe.Pending || exe.Refused != "media_type_not_allowed" {
		t.Fatalf("arrived but refused by D4: %+v", exe)
	}
	if down := got["wamid.DOWN"]; !down.Pending {
		t.Fatalf("always 503, after 2 attempts: %+v", down)
	}
	// The second retry waits twice as long.
	clock.Add(time.Minute + 59*time.Second)
	run(0)
	clock.Add(time.Second)
	run(1)
	if down := files()["wamid.DOWN"]; down.Pending || down.Refused != "media_unavailable" {
		t.Fatalf("always 503, after the last attempt: %+v", down)
	}
	clock.Add(time.Hour)
	run(0)
	if n := g.count("m-down"); n != 3 {
		t.Fatalf("the failing provider was asked %d times, want 3", n)
	}
	if n := g.count("m-gone"); n != 1 {
		t.Fatalf("a 404 was asked %d times, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(updated) != 3 {
		t.Fatalf("workspace told of %d updated messages, want 3: %+v", len(updated), updated)
	}
	for _, u := range updated {
		if u.ConversationID != convID || u.QueueID != e.queueA || u.MessageID == 0 {
			t.Fatalf("change %+v", u)
		}
	}
}

// TestInboundMediaSlowFirstAttempt: the download made while the provider's
// webhook waits is bounded (MediaFirstAttempt); a slower provider leaves
// the file pending, and its media job, with the client's whole timeout,
// stores it.
func TestInboundMediaSlowFirstAttempt(t *testing.T) {
	photo := append(append([]byte{}, jpegHead...), 1, 2, 3)
	g := &flakyGraph{files: map[string][]byte{"m-slow": photo}, slow: map[string]time.Duration{"m-slow": 400 * time.Millisecond}}
	graph := startFlakyGraph(t, g)
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	retry := &attach.RetryConfig{Attempts: 2, Base: time.Nanosecond}
	adapters := registry.New(nil, nil)
	e := newEnvWith(t, Config{BodyLimit: 1 << 20, Blobs: blobs, Channels: adapters}, func(c *envConfig) {
		c.MediaClient, c.MediaRetry, c.MediaFirstAttempt = loopbackMediaClient(), retry, 20*time.Millisecond
	})
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"whatsapp","name":"WA","sender":"15550783881","queue_id":"`+e.queueA.String()+`",
		"settings":{"phone_number_id":"106540352242922","base_url":"`+graph.URL+`"},"secrets":{"app_secret":"`+waSecret+`","access_token":"tok"}}`, 201, &c)
	body, sig := waImage(t, "wamid.SLOW", "m-slow")
	e.webhook(c.WebhookPath, body, sig, 200)
	if a := e.threadOf("whatsapp", "16505551234")[0].Attachments[0]; !a.Pending {
		t.Fatalf("after the webhook: %+v", a)
	}
	retrier := &attach.Retrier{Jobs: e.store, Adapters: adapters,
		Inbound: &attach.Inbound{Blobs: blobs, Client: loopbackMediaClient(), Retry: retry}}
	// Due a nanosecond after the webhook.
	if n, err := retrier.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("retried %d jobs, %v", n, err)
	}
	if a := e.threadOf("whatsapp", "16505551234")[0].Attachments[0]; a.Pending || a.Refused != "" || a.Size != int64(len(photo)) {
		t.Fatalf("after the job: %+v", a)
	}
}

// TestInboundMediaRetryProviders: the retry works alike for the providers
// whose payloads carry a media URL (Twilio MMS, Viber, Messenger): the
// media host answers 503 once, the file is pending, the first retry
// stores it.
func TestInboundMediaRetryProviders(t *testing.T) {
	photo := append(append([]byte{}, jpegHead...), 4, 5, 6)
	var mu sync.Mutex
	fails := map[string]int{"/twilio.jpg": 1, "/viber.jpg": 1, "/messenger.jpg": 1}
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fails[r.URL.Path] > 0 {
			fails[r.URL.Path]--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write(photo)
	}))
	t.Cleanup(media.Close)
	e, _, _, clock, retrier := newRetryEnv(t, &attach.RetryConfig{Attempts: 3, Base: time.Minute})
	post := func(path, body, header, sig string) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(body))
		req.Header.Set(header, sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("webhook %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	create := func(body string) channelView {
		var c channelView
		e.do("POST", "/api/v1/channels", e.admin, body, 201, &c)
		return c
	}
	tw := create(`{"kind":"sms","provider":"twilio","name":"SMS","sender":"+15557122661","queue_id":"` + e.queueA.String() + `",
		"settings":{"account_sid":"AC1"},"secrets":{"auth_token":"twilio-token"}}`)
	form := url.Values{"MessageSid": {"MM1"}, "AccountSid": {"AC1"}, "From": {"+15017122661"}, "To": {"+15557122661"},
		"NumMedia": {"1"}, "MediaContentType0": {"image/jpeg"}, "MediaUrl0": {media.URL + "/twilio.jpg"}}
	post(tw.WebhookPath, form.Encode(), "X-Twilio-Signature", twilio.Sign("twilio-token", e.url+tw.WebhookPath, form))

	vb := create(`{"kind":"viber","name":"Viber","sender":"bot","queue_id":"` + e.queueA.String() + `","secrets":{"auth_token":"viber-token"}}`)
	vbody := `{"event":"message","timestamp":1457764197627,"message_token":4912661846655238145,"sender":{"id":"01234567890A=","name":"Ann"},
		"message":{"type":"picture","media":"` + media.URL + `/viber.jpg"}}`
	post(vb.WebhookPath, vbody, "X-Viber-Content-Signature", viber.Sign("viber-token", []byte(vbody)))

	ms := create(`{"kind":"messenger","name":"FB","sender":"682498302938465","queue_id":"` + e.queueA.String() + `","secrets":{"app_secret":"fb-app-secret"}}`)
	mbody := `{"object":"page","entry":[{"id":"682498302938465","time":1458692752478,"messaging":[{"sender":{"id":"1254459154682919"},
		"recipient":{"id":"682498302938465"},"timestamp":1458692752478,"message":{"mid":"mid.IMG","attachments":[{"type":"image","payload":{"url":"` + media.URL + `/messenger.jpg"}}]}}]}]}`
	post(ms.WebhookPath, mbody, "X-Hub-Signature-256", messenger.Sign("fb-app-secret", []byte(mbody)))

	senders := map[string]string{"sms": "+15017122661", "viber": "01234567890A=", "messenger": "1254459154682919"}
	check := func(pending bool) {
		t.Helper()
		for channel, from := range senders {
			a := e.threadOf(channel, from)[0].Attachments[0]
			if a.Pending != pending || a.Refused != "" || (!pending && a.Size != int64(len(photo))) {
				t.Fatalf("%s: %+v, want pending %v", channel, a, pending)
			}
		}
	}
	check(true)
	clock.Add(time.Minute)
	if n, err := retrier.RunOnce(context.Background()); err != nil || n != 3 {
		t.Fatalf("retried %d, %v", n, err)
	}
	check(false)
}
