package bot_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bot"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
	"github.com/switchboard-cc/switchboard/internal/routing"
	"github.com/switchboard-cc/switchboard/internal/safehttp"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

const secret = "bot-secret-0123456789"

// fakeBot answers like a support bot: a greeting, a handoff when asked for
// a person, a failure on "crash"; it refuses unsigned requests.
func fakeBot(t *testing.T, unsigned *atomic.Int32) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		if r.Header.Get(bot.SignatureHeader) != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			unsigned.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var req bot.Request
		if err := json.Unmarshal(body, &req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		switch {
		case strings.Contains(req.Text, "crash"):
			w.WriteHeader(http.StatusInternalServerError)
		case strings.Contains(req.Text, "person"):
			json.NewEncoder(w).Encode(bot.Answer{Reply: "Passing you to a colleague", Handoff: true, Reason: "customer asked for a person"})
		default:
			json.NewEncoder(w).Encode(bot.Answer{Reply: "Hello, I am the bot"})
		}
	}))
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out: %s", what)
}

func TestBotAnswersThenHandsOff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var changes sqlstore.ChangeForwarder
	st, err := sqlite.OpenWith(ctx, filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{}, sqlstore.Options{Changes: changes.Handle})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var unsigned atomic.Int32
	srv := fakeBot(t, &unsigned)
	defer srv.Close()
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))

	q := &desk.Queue{Name: "Sales"}
	if err := st.CreateQueue(sys, q); err != nil {
		t.Fatal(err)
	}
	on, url, short := true, srv.URL, "short"
	_, err = st.UpdateQueue(sys, q.ID, desk.QueueUpdate{AutoAssign: &on, BotURL: &url, BotSecret: &short})
	if desk.ErrorField(err) != "bot_secret" {
		t.Fatalf("a short bot secret: %v", err)
	}
	sec := secret
	if _, err := st.UpdateQueue(sys, q.ID, desk.QueueUpdate{AutoAssign: &on, BotURL: &url, BotSecret: &sec}); err != nil {
		t.Fatal(err)
	}
	ann := &desk.Agent{Email: "ann@example.com", Role: desk.RoleAgent, Capacity: 5, QueueIDs: []desk.ID{q.ID}}
	if err := st.CreateAgent(sys, ann); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetAgentStatus(sys, ann.ID, desk.StatusAvailable); err != nil {
		t.Fatal(err)
	}

	// The test's bot runs on loopback, which the guard refuses unless allowed.
	client := safehttp.NewClient(safehttp.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	svc := &outbound.Service{Store: st, Clock: desk.SystemClock{}}
	d := bot.New(st, func(ctx context.Context, id desk.ID, text string) error {
		_, err := svc.Reply(ctx, outbound.ReplyRequest{ConversationID: id, Type: desk.TypeText, Text: text})
		return err
	}, client, log)
	as := routing.NewAssigner(st, log)
	changes.Bind(desk.ChangeHandlers(as.HandleChanges, d.HandleChanges))
	go as.Run(ctx)
	go d.Run(ctx)

	ingest := func(from, ext, text string) *desk.Conversation {
		res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from, To: "x", Text: text, ExternalID: ext, QueueID: q.ID})
		if err != nil {
			t.Fatal(err)
		}
		return res.Conversation
	}
	messages := func(id desk.ID) []*desk.Message {
		ms, _, err := st.FindMessages(sys, id, desk.MessageFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	c := ingest("+15550001", "m1", "hi")
	if c.Bot != desk.QueueBot {
		t.Fatalf("a new conversation of a queue with a bot goes to the bot first: %+v", c)
	}
	eventually(t, "the bot's reply", func() bool {
		ms := messages(c.ID)
		return len(ms) == 2 && ms[1].Direction == desk.DirectionOut && ms[1].Text == "Hello, I am the bot"
	})
	time.Sleep(300 * time.Millisecond)
	if n := len(messages(c.ID)); n != 2 {
		t.Fatalf("the bot answered its own reply: %d messages", n)
	}
	if got, _ := st.FindConversationByID(sys, c.ID); got.AssigneeID != nil {
		t.Fatal("a bot-held conversation was assigned to an agent")
	}
	bots, _, _ := st.FindConversations(sys, desk.ConversationFilter{View: desk.ViewBots})
	if len(bots) != 1 || bots[0].ID != c.ID {
		t.Fatalf("All chatbots view: %v", bots)
	}
	// Asking for a person hands off; routing then assigns it at once.
	ingest("+15550001", "m2", "a person please")
	eventually(t, "handoff and assignment", func() bool {
		got, _ := st.FindConversationByID(sys, c.ID)
		return got.Bot == "" && got.AssigneeID != nil && *got.AssigneeID == ann.ID
	})
	evs, _ := st.FindEvents(sys, c.ID)
	found := false
	for _, e := range evs {
		found = found || (e.Type == desk.EventBotHandoff && e.Data["reason"] == "customer asked for a person")
	}
	if !found {
		t.Fatalf("no handoff event with the bot's reason: %+v", evs)
	}
	// A failing bot hands off too, so nobody waits on a broken bot.
	c2 := ingest("+15550002", "m3", "crash")
	eventually(t, "handoff after a bot failure", func() bool {
		got, _ := st.FindConversationByID(sys, c2.ID)
		return got.Bot == ""
	})
	if unsigned.Load() != 0 {
		t.Fatalf("%d requests reached the bot unsigned or wrongly signed", unsigned.Load())
	}
	_, err = st.HandOffConversation(sys, c2.ID, "")
	if desk.ErrorCode(err) != "not_with_bot" {
		t.Fatalf("second handoff: %v", err)
	}
}

// testWriter sends log lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
