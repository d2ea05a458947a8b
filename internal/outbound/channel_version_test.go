package outbound

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// TestReplySeesChannelChangeAtOnce: replies keep the channel list and the
// sender's channel while the configuration version reads the same; an
// admin's change to a channel moves it, so the next reply goes by the new
// configuration (no cache lifetime to wait out).
func TestReplySeesChannelChangeAtOnce(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	wa1 := &desk.ChannelConfig{Kind: "whatsapp", Provider: "whatsapp", Name: "WA 1", Sender: "15550001"}
	wa2 := &desk.ChannelConfig{Kind: "whatsapp", Provider: "whatsapp", Name: "WA 2", Sender: "15550002"}
	for _, c := range []*desk.ChannelConfig{wa1, wa2} {
		if err := st.CreateChannel(sys, c); err != nil {
			t.Fatal(err)
		}
	}
	res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: "whatsapp", From: "15559999", To: "15550001", Text: "hi", ExternalID: "in1"})
	if err != nil {
		t.Fatal(err)
	}
	svc := &Service{Store: st, Channels: st, Adapters: kindAdapters{&fakeChannel{calls: map[string]int{}, sent: map[string]string{}}}}
	reply := func(text string, channelID desk.ID, from string) {
		t.Helper()
		r, err := svc.Reply(sys, ReplyRequest{ConversationID: res.Conversation.ID, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if r.Send == nil || r.Send.ChannelID != channelID || r.From != from {
			t.Fatalf("%s: sent by %+v from %s, want channel %s from %s", text, r.Send, r.From, channelID, from)
		}
	}
	reply("a", wa1.ID, "+15550001")
	reply("b", wa1.ID, "+15550001") // from the kept list and sender

	// The conversation's sender is no channel's any more: the oldest
	// channel of the kind answers, with its new sender.
	moved := "15550009"
	if _, err := st.UpdateChannel(sys, wa1.ID, desk.ChannelUpdate{Sender: &moved}); err != nil {
		t.Fatal(err)
	}
	reply("c", wa1.ID, "+15550009")
	if err := st.DeleteChannel(sys, wa1.ID); err != nil {
		t.Fatal(err)
	}
	reply("d", wa2.ID, "+15550002")
}
