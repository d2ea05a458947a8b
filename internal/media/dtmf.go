package media

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/pion/rtp"
)

// DTMF: an agent's key presses reach a customer on a SIP leg as RFC 4733
// telephone-events, in the leg's own RTP stream (same SSRC, sequence and
// clock), so IVRs and voicemail systems behind the trunk read them
// reliably, which in-band tones through G.711 are not.

// ErrNoDTMF is returned when the call's customer cannot take key presses:
// a browser (call link) or a SIP leg that did not negotiate telephone-event.
// Its NoDTMF method lets the call service recognise it without importing
// this package.
var ErrNoDTMF error = noDTMFError{}

type noDTMFError struct{}

func (noDTMFError) Error() string { return "media: the customer's leg takes no telephone-events" }

// NoDTMF marks the error for errors.As.
func (noDTMFError) NoDTMF() bool { return true }

// DefaultEventPT is the dynamic payload type Switchboard offers for
// telephone-event/8000 in its own SDP offers.
const DefaultEventPT = 101

// Event timing: each key sounds 100 ms, one event packet per 20 ms frame,
// the end packet sent three times (RFC 4733 §2.5.1.4), then 60 ms of
// silence before the next key.
const (
	dtmfFrames   = 5
	dtmfGap      = 60 * time.Millisecond
	dtmfVolume   = 10 // -10 dBm0
	dtmfQueueCap = 64
)

// ValidDigits reports whether s is 1-32 DTMF keys: 0-9, *, #, A-D.
func ValidDigits(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if _, ok := eventCode(s[i]); !ok {
			return false
		}
	}
	return true
}

// eventCode is a key's RFC 4733 event code.
func eventCode(k byte) (byte, bool) {
	switch {
	case k >= '0' && k <= '9':
		return k - '0', true
	case k == '*':
		return 10, true
	case k == '#':
		return 11, true
	case k >= 'A' && k <= 'D':
		return 12 + k - 'A', true
	case k >= 'a' && k <= 'd':
		return 12 + k - 'a', true
	}
	return 0, false
}

// SetCustomerEvents records the telephone-event payload type the call's
// SIP customer negotiated (0: none).
func (h *Hub) SetCustomerEvents(callID string, pt uint8) {
	b := h.bridge(callID)
	if b == nil {
		return
	}
	b.mu.Lock()
	l, ok := b.customer.(*rtpLeg)
	b.mu.Unlock()
	if ok {
		l.mu.Lock()
		l.event = pt
		l.mu.Unlock()
	}
}

// TakesDTMF reports whether SendDTMF can reach the call's customer: a
// plain RTP leg (the SIP trunk) that negotiated telephone-event. A
// browser on a call link cannot take keys.
func (h *Hub) TakesDTMF(callID string) bool {
	b := h.bridge(callID)
	if b == nil {
		return false
	}
	b.mu.Lock()
	l, ok := b.customer.(*rtpLeg)
	b.mu.Unlock()
	if !ok {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.event != 0
}

// SendDTMF queues keys for the call's customer as telephone-events; they
// play in order in the background. ErrNoDTMF when the customer cannot
// take them.
func (h *Hub) SendDTMF(callID, digits string) error {
	if !ValidDigits(digits) {
		return fmt.Errorf("media: %q are not DTMF keys", digits)
	}
	b := h.bridge(callID)
	if b == nil {
		return fmt.Errorf("media: no media for call %s", callID)
	}
	b.mu.Lock()
	l, ok := b.customer.(*rtpLeg)
	b.mu.Unlock()
	if !ok {
		return ErrNoDTMF
	}
	return l.queueDTMF(digits)
}

// queueDTMF hands keys to the leg's player, started on first use.
func (l *rtpLeg) queueDTMF(digits string) error {
	l.mu.Lock()
	if l.event == 0 {
		l.mu.Unlock()
		return ErrNoDTMF
	}
	if l.keys == nil {
		l.keys = make(chan byte, dtmfQueueCap)
		go l.playKeys(l.keys)
	}
	keys := l.keys
	l.mu.Unlock()
	for i := 0; i < len(digits); i++ {
		select {
		case keys <- digits[i]:
		default:
			return fmt.Errorf("media: too many keys waiting")
		}
	}
	return nil
}

// playKeys plays queued keys until the leg closes.
func (l *rtpLeg) playKeys(keys <-chan byte) {
	for {
		select {
		case <-l.done:
			return
		case k := <-keys:
			code, _ := eventCode(k)
			if l.playEvent(code) != nil {
				return
			}
			time.Sleep(dtmfGap)
		}
	}
}

// playEvent sends one key: event packets carrying the growing duration
// from one timestamp (the marker on the first), the last one three times
// with the end bit. The leg's audio is muted meanwhile and resumes with
// its clock advanced past the event.
func (l *rtpLeg) playEvent(code byte) error {
	l.mu.Lock()
	l.muted = true
	start := l.ts + frameBytes
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.muted = false
		l.ts = start + dtmfFrames*frameBytes - frameBytes
		l.mu.Unlock()
	}()
	next := time.Now()
	for i := 1; i <= dtmfFrames; i++ {
		end := i == dtmfFrames
		copies := 1
		if end {
			copies = 3
		}
		for range copies {
			if err := l.writeEvent(code, start, uint16(i*frameBytes), i == 1, end); err != nil {
				return err
			}
		}
		next = next.Add(20 * time.Millisecond)
		time.Sleep(time.Until(next))
	}
	return nil
}

// writeEvent sends one RFC 4733 event packet.
func (l *rtpLeg) writeEvent(code byte, ts uint32, duration uint16, marker, end bool) error {
	payload := make([]byte, 4)
	payload[0] = code
	payload[1] = dtmfVolume
	if end {
		payload[1] |= 0x80
	}
	binary.BigEndian.PutUint16(payload[2:], duration)
	l.mu.Lock()
	l.seq++
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, Marker: marker, PayloadType: l.event, SequenceNumber: l.seq, Timestamp: ts, SSRC: l.ssrc}, Payload: payload}
	remote := l.remote
	l.mu.Unlock()
	buf, err := pkt.Marshal()
	if err != nil {
		return err
	}
	_, err = l.conn.WriteToUDP(buf, remote)
	return err
}
