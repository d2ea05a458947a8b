package outbound

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// TestFailedReplyReopens: "Send and wait" on a reply the provider refuses
// does not leave the conversation Waiting — it comes back Open with the
// failure on the message; a reply that went out keeps it Waiting, and so
// does a failed reply followed by one that went out.
func TestFailedReplyReopens(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	if err := st.CreateChannel(sys, &desk.ChannelConfig{Kind: "whatsapp", Provider: "whatsapp", Name: "WA", Sender: "15550001"}); err != nil {
		t.Fatal(err)
	}
	ch := &fakeChannel{calls: map[string]int{}, sent: map[string]string{}}
	w := NewWorker(st, fakeAdapters{ch}, nil, nil, WorkerConfig{Senders: 2, Poll: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond, MaxAttempts: 3, Failed: st})
	svc := &Service{Store: st, Channels: st, Adapters: fakeAdapters{ch}}
	waiting := desk.ConversationWaiting
	// sendAndWait replies with each text in turn, then marks the
	// conversation Waiting, as the composer's "Send and wait" does.
	sendAndWait := func(from string, texts ...string) desk.ID {
		res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: "whatsapp", From: from, To: "15550001", Text: "hi", ExternalID: "in" + from})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			if _, err := svc.Reply(sys, ReplyRequest{ConversationID: res.Conversation.ID, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.UpdateConversation(sys, res.Conversation.ID, desk.ConversationUpdate{Status: &waiting}); err != nil {
			t.Fatal(err)
		}
		return res.Conversation.ID
	}
	refused := sendAndWait("15559001", "bad address")
	sent := sendAndWait("15559002", "hello")
	thenSent := sendAndWait("15559003", "bad first", "hello again")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	want := map[desk.ID]string{refused: desk.ConversationOpen, sent: desk.ConversationWaiting, thenSent: desk.ConversationWaiting}
	deadline := time.Now().Add(10 * time.Second)
	for id, status := range want {
		for {
			c, err := st.FindConversationByID(sys, id)
			if err != nil {
				t.Fatal(err)
			}
			msgs, _, _ := st.FindMessages(sys, id, desk.MessageFilter{})
			pending := false
			for _, m := range msgs {
				pending = pending || m.DeliveryState == desk.DeliveryQueued
			}
			if !pending && c.Status == status {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("conversation %s: status %s (messages pending: %v), want %s", id, c.Status, pending, status)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// The reopen is on the timeline; the failure stays on the message.
	msgs, _, _ := st.FindMessages(sys, refused, desk.MessageFilter{})
	if last := msgs[len(msgs)-1]; last.DeliveryState != desk.DeliveryFailed || last.FailureReason == "" {
		t.Fatalf("the failed reply: %+v", last)
	}
	evs, err := st.FindEvents(sys, refused)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Type != desk.EventStatusChanged || last.Data["to"] != desk.ConversationOpen {
		t.Fatalf("last event: %+v", last)
	}
	// The rule alone: a conversation no longer Waiting is left as it is.
	if reopened, err := ReplyFailed(sys, st, msgs[len(msgs)-1].ID); err != nil || reopened {
		t.Fatalf("an Open conversation reopened again: %v %v", reopened, err)
	}
}
