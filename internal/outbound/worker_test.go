package outbound

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// fakeChannel records sends; texts starting "flaky" fail twice first,
// texts starting "bad" fail permanently.
type fakeChannel struct {
	mu    sync.Mutex
	calls map[string]int // by idempotency key
	sent  map[string]string
}

func (f *fakeChannel) Kind() string { return desk.ChannelWhatsApp }
func (f *fakeChannel) Capabilities() desk.Capabilities {
	return desk.CapabilitiesOf(desk.ChannelWhatsApp)
}
func (f *fakeChannel) HandleWebhook(context.Context, *desk.WebhookRequest) (*desk.WebhookResult, error) {
	return nil, nil
}
func (f *fakeChannel) Send(_ context.Context, m *desk.OutboundMessage) (*desk.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[m.IdempotencyKey]++
	switch {
	case strings.HasPrefix(m.Text, "flaky") && f.calls[m.IdempotencyKey] <= 2:
		return nil, fmt.Errorf("503 from provider")
	case strings.HasPrefix(m.Text, "bad"):
		return nil, desk.Errorf(desk.EINVALID, "131026 message undeliverable")
	}
	f.sent[m.IdempotencyKey] = m.Text
	return &desk.SendResult{ExternalID: "wamid." + m.IdempotencyKey}, nil
}

type fakeAdapters struct{ ch desk.Channel }

func (a fakeAdapters) Adapter(*desk.ChannelConfig) (desk.Channel, error) { return a.ch, nil }

func TestReplyAndWorker(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cfg := &desk.ChannelConfig{Kind: "whatsapp", Provider: "whatsapp", Name: "WA", Sender: "15550001"}
	if err := st.CreateChannel(sys, cfg); err != nil {
		t.Fatal(err)
	}
	res, _ := st.IngestMessage(sys, &desk.InboundMessage{Channel: "whatsapp", From: "15559999", To: "15550001", Text: "hi", ExternalID: "in1"})
	ch := &fakeChannel{calls: map[string]int{}, sent: map[string]string{}}
	w := NewWorker(st, fakeAdapters{ch}, nil, nil, WorkerConfig{Senders: 4, Poll: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond, MaxAttempts: 5})
	svc := &Service{Store: st, Channels: st, Adapters: fakeAdapters{ch}, Notify: w.Notify}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()

	admin := &desk.Actor{System: true}
	actx := desk.NewContextWithActor(context.Background(), admin)
	tests := []struct {
		text, code, state string
	}{
		{"hello", "", desk.DeliverySent},
		{"flaky one", "", desk.DeliverySent},
		{"bad one", "", desk.DeliveryFailed},
		{strings.Repeat("x", 4097), "text_too_long", ""},
	}
	var ids []desk.ID
	for _, tt := range tests {
		r, err := svc.Reply(actx, ReplyRequest{ConversationID: res.Conversation.ID, Text: tt.text})
		if desk.ErrorCode(err) != tt.code {
			t.Fatalf("%.10s: code %q (%v), want %q", tt.text, desk.ErrorCode(err), err, tt.code)
		}
		if err == nil {
			ids = append(ids, r.ID)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	var msgs []*desk.Message
	for time.Now().Before(deadline) {
		msgs, _, _ = st.FindMessages(actx, res.Conversation.ID, desk.MessageFilter{})
		pending := 0
		for _, m := range msgs {
			if m.DeliveryState == desk.DeliveryQueued {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if len(msgs) != 4 { // inbound + 3 replies; the refused one was never stored
		t.Fatalf("%d messages", len(msgs))
	}
	for i, tt := range tests[:3] {
		m := msgs[i+1]
		if m.DeliveryState != tt.state {
			t.Errorf("%s: state %s (%s), want %s", tt.text, m.DeliveryState, m.FailureReason, tt.state)
		}
	}
	if msgs[3].FailureReason != "131026 message undeliverable" || !strings.HasPrefix(msgs[1].ExternalID, "wamid.sb-") {
		t.Fatalf("failed reason %q, external ID %q", msgs[3].FailureReason, msgs[1].ExternalID)
	}
	for key, n := range ch.calls {
		if strings.HasPrefix(ch.sent[key], "flaky") && n != 3 {
			t.Errorf("flaky message sent %d times, want 3 (two failures, one success)", n)
		}
	}
}
