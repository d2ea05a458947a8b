package media

import (
	"math"
	"testing"
	"time"

	"github.com/pion/rtp"
)

func TestJitterRFC3550(t *testing.T) {
	ms := time.Millisecond
	// alternating transits 0, 16 ms, 0, ...: every step changes transit by
	// 16 ms, so after n steps J = 16 ms * (1 - (15/16)^n).
	alternating := make([]time.Duration, 11)
	for i := range alternating {
		alternating[i] = time.Duration(i%2) * 16 * ms
	}
	for _, tc := range []struct {
		name     string
		transits []time.Duration
		want     time.Duration
	}{
		{"one frame", []time.Duration{40 * ms}, 0},
		{"constant transit, however long", []time.Duration{90 * ms, 90 * ms, 90 * ms, 90 * ms}, 0},
		{"one step of 16 ms", []time.Duration{5 * ms, 21 * ms}, ms},
		{"step down counts as up", []time.Duration{21 * ms, 5 * ms}, ms},
		{"step then steady", []time.Duration{5 * ms, 21 * ms, 21 * ms}, 15 * ms / 16},
		{"alternating 16 ms, 10 steps", alternating, time.Duration(16 * float64(ms) * (1 - math.Pow(15.0/16, 10)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var j jitter
			for _, tr := range tc.transits {
				j.add(tr)
			}
			if d := j.value() - tc.want; d < -time.Nanosecond || d > time.Nanosecond {
				t.Fatalf("jitter %v, want %v", j.value(), tc.want)
			}
		})
	}
}

// TestSoftphoneWindow feeds a phone frames with known send stamps and
// arrival times: the window counts by send stamp, and the path jitter and
// transits come from stamp to arrival, whatever the RTP timestamps say.
func TestSoftphoneWindow(t *testing.T) {
	ms := time.Millisecond
	p := &Softphone{mark: 0x41, byMark: map[byte]int64{}, firstBy: map[byte]time.Time{}}
	start := clockEpoch.Add(time.Second)
	p.Measure(start, start.Add(100*ms), 0x43)
	frame := func(sent time.Duration, mark byte) *rtp.Packet {
		payload := make([]byte, frameBytes)
		for i := range payload {
			payload[i] = mark
		}
		putStamp(payload, sent)
		return &rtp.Packet{Payload: payload}
	}
	at := func(d time.Duration) time.Time { return clockEpoch.Add(d) }
	s := time.Second
	// sent before the window, arriving in it: not counted
	p.received(frame(s-20*ms, 0x43), at(s+10*ms))
	// in the window: transits 5, 21, 5 ms
	p.received(frame(s, 0x43), at(s+5*ms))
	p.received(frame(s+20*ms, 0x43), at(s+41*ms))
	p.received(frame(s+40*ms, 0x43), at(s+45*ms))
	// another mark (music) in the window: not the peer's
	p.received(frame(s+60*ms, 0x7f), at(s+61*ms))
	// sent at the end of the window, arriving well after it: counted
	p.received(frame(s+99*ms, 0x43), at(s+600*ms))
	// sent after the window
	p.received(frame(s+100*ms, 0x43), at(s+101*ms))

	// the sender side: frames due every 20 ms, written 0, 4, 0 ms late;
	// one before and one after the window
	p.sentFrame(s-1*ms, s-1*ms)
	p.sentFrame(s, s)
	p.sentFrame(s+24*ms, s+20*ms)
	p.sentFrame(s+40*ms, s+40*ms)
	p.sentFrame(s+100*ms, s+100*ms)

	w := p.Window()
	if w.Received != 4 {
		t.Errorf("received %d, want 4", w.Received)
	}
	wantTransits := []time.Duration{5 * ms, 21 * ms, 5 * ms, 501 * ms}
	if len(w.Transits) != len(wantTransits) {
		t.Fatalf("transits %v, want %v", w.Transits, wantTransits)
	}
	for i := range wantTransits {
		if w.Transits[i] != wantTransits[i] {
			t.Fatalf("transits %v, want %v", w.Transits, wantTransits)
		}
	}
	// steps 16, 16, 496 ms
	var want jitter
	for _, tr := range wantTransits {
		want.add(tr)
	}
	if w.PathJitter != want.value() || w.PathJitter < 31*ms {
		t.Errorf("path jitter %v, want %v", w.PathJitter, want.value())
	}
	if w.Sent != 3 {
		t.Errorf("sent %d, want 3", w.Sent)
	}
	// lateness 0, 4, 0 ms: steps of 4 ms, J = 4/16 + (4 - 4/16)/16
	if wantPacing := ms/4 + (4*ms-ms/4)/16; w.PacingJitter != wantPacing {
		t.Errorf("pacing jitter %v, want %v", w.PacingJitter, wantPacing)
	}
}
