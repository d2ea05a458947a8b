package outbound

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// optedOutChannel refuses every send the way the Twilio adapter maps error
// 21610 (and Viber's notSubscribed).
type optedOutChannel struct{ fakeChannel }

func (*optedOutChannel) Kind() string { return desk.ChannelSMS }
func (*optedOutChannel) Capabilities() desk.Capabilities {
	return desk.CapabilitiesOf(desk.ChannelSMS)
}
func (*optedOutChannel) Send(context.Context, *desk.OutboundMessage) (*desk.SendResult, error) {
	return nil, &desk.Error{Kind: desk.EINVALID, Code: "contact_opted_out", Field: "to", Message: "twilio 400: 21610 Attempt to send to unsubscribed recipient"}
}

// TestWorkerRecordsProviderOptOut: a send the provider refuses because the
// recipient opted out fails, and the next reply is refused before it is
// stored.
func TestWorkerRecordsProviderOptOut(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	cfg := &desk.ChannelConfig{Kind: desk.ChannelSMS, Provider: "twilio", Name: "SMS", Sender: "+15557122661"}
	if err := st.CreateChannel(sys, cfg); err != nil {
		t.Fatal(err)
	}
	res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: "+15017122661", To: "+15557122661", Text: "hi", ExternalID: "SM1"})
	if err != nil {
		t.Fatal(err)
	}
	ch := &optedOutChannel{}
	w := NewWorker(st, fakeAdapters{ch}, nil, nil, WorkerConfig{Senders: 1, Poll: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond, MaxAttempts: 3})
	svc := &Service{Store: st, Channels: st, Adapters: fakeAdapters{ch}, Notify: w.Notify}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	r, err := svc.Reply(sys, ReplyRequest{ConversationID: res.Conversation.ID, Text: "promo"})
	if err != nil {
		t.Fatal(err)
	}
	var m *desk.Message
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		msgs, _, _ := st.FindMessages(sys, res.Conversation.ID, desk.MessageFilter{})
		if m = msgs[len(msgs)-1]; m.ID == r.ID && m.DeliveryState == desk.DeliveryFailed {
			break
		}
	}
	if m.DeliveryState != desk.DeliveryFailed {
		t.Fatalf("reply state %s", m.DeliveryState)
	}
	if o, err := st.FindOptOut(sys, desk.ChannelSMS, "+15017122661"); err != nil || o.Reason != "twilio 400: 21610 Attempt to send to unsubscribed recipient" {
		t.Fatalf("opt-out = %+v, %v", o, err)
	}
	_, err = svc.Reply(sys, ReplyRequest{ConversationID: res.Conversation.ID, Text: "again"})
	if desk.ErrorCode(err) != "contact_opted_out" {
		t.Fatalf("next reply: %v", err)
	}
}
