package media

import (
	"context"
	"strings"
	"testing"
	"time"
)

const (
	markCustomer = 0x43
	markAgent    = 0x41
	markAgent2   = 0x42
)

func newTestHub(t *testing.T) *Hub {
	t.Helper()
	h, err := NewHub(Config{RecordDir: t.TempDir(), IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// dial connects a softphone through connect (ConnectCustomer or
// ConnectAgent of one call).
func dial(t *testing.T, mark byte, connect func(ctx context.Context, id, offer string) (string, error), id string, codecs ...Codec) *Softphone {
	t.Helper()
	p, offer, err := NewSoftphone(mark, codecs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	answer, err := connect(context.Background(), id, offer)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Accept(answer); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// The I2–I4 path with two pion peers as customer and agent: music while
// waiting, RTP both ways, hold sends music to the customer only, resume
// restores the bridge, blind transfer to a second agent, and the
// recording lasts until the transfer.
func TestBridgeHoldTransferRecording(t *testing.T) {
	h := newTestHub(t)
	customer := dial(t, markCustomer, h.ConnectCustomer, "call1")
	waitFor(t, "music before an agent answers", func() bool { st, _ := h.Stats("call1"); return st.Music > 5 })

	agent := dial(t, markAgent, h.ConnectAgent, "call1")
	answered := time.Now()
	waitFor(t, "audio both ways", func() bool {
		return customer.Received(markAgent) > 25 && agent.Received(markCustomer) > 25
	})
	st, _ := h.Stats("call1")
	if st.ToAgent < 25 || st.ToCustomer < 25 || st.FromCustomer < st.ToAgent {
		t.Fatalf("stats %+v", st)
	}

	// Hold: the customer gets music, not the agent; the agent hears nothing.
	h.Hold("call1", true)
	time.Sleep(100 * time.Millisecond) // packets in flight
	music0, agentHeard0 := mustStats(t, h).Music, agent.Received(markCustomer)
	fromAgent0 := customer.Received(markAgent)
	time.Sleep(500 * time.Millisecond)
	if got := mustStats(t, h).Music - music0; got < 15 {
		t.Fatalf("%d music packets in 0.5 s of hold", got)
	}
	if agent.Received(markCustomer) != agentHeard0 || customer.Received(markAgent) != fromAgent0 {
		t.Fatal("audio crossed the bridge during hold")
	}

	// Resume: the bridge carries audio again and the music stops.
	h.Hold("call1", false)
	waitFor(t, "audio after resume", func() bool {
		return customer.Received(markAgent) > fromAgent0+20 && agent.Received(markCustomer) > agentHeard0+20
	})
	music1 := mustStats(t, h).Music
	time.Sleep(300 * time.Millisecond)
	if got := mustStats(t, h).Music - music1; got > 1 {
		t.Fatalf("%d music packets after resume", got)
	}

	// Blind transfer: the first agent leaves, recording stops, the second
	// agent is bridged.
	time.Sleep(time.Second)
	h.DropAgent("call1")
	untilTransfer := time.Since(answered)
	agent2 := dial(t, markAgent2, h.ConnectAgent, "call1")
	waitFor(t, "audio with the second agent", func() bool {
		return customer.Received(markAgent2) > 25 && agent2.Received(markCustomer) > 25
	})
	time.Sleep(time.Second) // recording must not grow after the transfer
	h.End("call1")

	path := h.Recording("call1")
	if path == "" || !strings.HasSuffix(path, "call1.wav") {
		t.Fatalf("recording path %q", path)
	}
	d, err := WAVDuration(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := d - untilTransfer; diff < -time.Second || diff > time.Second {
		t.Fatalf("recording %s, time until transfer %s", d, untilTransfer)
	}
	t.Logf("recording %s for %s until transfer; final stats %+v", d, untilTransfer, mustStats(t, h))
}

// An agent offering only a codec the customer did not negotiate is refused:
// the hub never transcodes.
func TestAgentMustMatchCodec(t *testing.T) {
	h := newTestHub(t)
	dial(t, markCustomer, h.ConnectCustomer, "call2", PCMA)
	p, offer, err := NewSoftphone(markAgent, PCMU)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := h.ConnectAgent(context.Background(), "call2", offer); err == nil {
		t.Fatal("a PCMU agent joined a PCMA call")
	}
	agent := dial(t, markAgent, h.ConnectAgent, "call2", PCMA)
	waitFor(t, "A-law audio", func() bool { return agent.Received(markCustomer) > 10 })
	h.End("call2")
}

func mustStats(t *testing.T, h *Hub) Stats {
	t.Helper()
	st, ok := h.Stats("call1")
	if !ok {
		t.Fatal("no stats")
	}
	return st
}
