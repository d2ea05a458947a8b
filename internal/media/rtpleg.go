package media

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// rtpLeg is a plain RTP party: the media of a SIP trunk call (I3 external
// transfer). The trunk carries G.711 as the browser legs do, so its
// payloads cross the bridge unchanged.
type rtpLeg struct {
	conn   *net.UDPConn
	remote *net.UDPAddr
	pt     uint8

	mu   sync.Mutex
	seq  uint16
	ts   uint32
	ssrc uint32
	// event is the telephone-event payload type the far side negotiated
	// (0: none); keys queues DTMF keys for it, muted holds the audio
	// while one plays (see dtmf.go).
	event uint8
	keys  chan byte
	muted bool
	// paused holds our audio while the far side put the call on hold
	// (its re-INVITE said sendonly or inactive); quiet suspends the idle
	// timeout while it sends nothing by agreement (see rtpdir.go).
	paused bool
	quiet  atomic.Bool
	done   chan struct{}
	once   sync.Once
}

// errPaused is write's answer while the far side holds the call: nothing
// is sent (nor counted as sent).
var errPaused = errors.New("media: the far side holds the call")

// write sends one payload to the remote RTP address; nothing while a DTMF
// event plays or the far side holds the call.
func (l *rtpLeg) write(payload []byte) error {
	l.mu.Lock()
	if l.paused {
		l.mu.Unlock()
		return errPaused
	}
	if l.muted {
		l.mu.Unlock()
		return nil
	}
	l.seq++
	l.ts += uint32(len(payload))
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: l.pt, SequenceNumber: l.seq, Timestamp: l.ts, SSRC: l.ssrc}, Payload: payload}
	remote := l.remote
	l.mu.Unlock()
	buf, err := pkt.Marshal()
	if err != nil {
		return err
	}
	_, err = l.conn.WriteToUDP(buf, remote)
	return err
}

func (l *rtpLeg) close() {
	l.once.Do(func() {
		close(l.done)
		_ = l.conn.Close()
	})
}

// read delivers the payloads of the call's codec until the socket closes,
// or until nothing arrived for idle (0: no limit): then onIdle runs, as a
// SIP caller who vanished without BYE must not hold the call forever.
func (l *rtpLeg) read(onRTP func([]byte), idle time.Duration, onIdle func()) {
	buf := make([]byte, 1500)
	for {
		if idle > 0 {
			_ = l.conn.SetReadDeadline(time.Now().Add(idle))
		}
		n, _, err := l.conn.ReadFromUDP(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && l.quiet.Load() {
				continue // on hold by agreement: silence is no hang-up
			}
			if errors.As(err, &ne) && ne.Timeout() && onIdle != nil {
				onIdle()
			}
			return
		}
		var pkt rtp.Packet
		if pkt.Unmarshal(buf[:n]) != nil || pkt.PayloadType != l.pt {
			continue // RTCP, DTMF events, other payloads
		}
		onRTP(append([]byte(nil), pkt.Payload...))
	}
}

// PayloadType is the codec's static RTP payload type.
func (c Codec) PayloadType() uint8 {
	if c == PCMA {
		return 8
	}
	return 0
}

// Codec returns the G.711 codec a call's customer negotiated.
func (h *Hub) Codec(callID string) (Codec, bool) {
	b := h.bridge(callID)
	if b == nil {
		return "", false
	}
	return b.codec, true
}

// OfferedCodec returns the first G.711 codec of an SDP offer (a browser's
// or a SIP caller's), in the offerer's order of preference.
func OfferedCodec(offer string) (Codec, error) { return offeredCodec(offer, "") }

// ConnectCustomerRTP creates a call's bridge with a plain RTP customer: a
// caller arriving from the SIP trunk, who hears the queue's music until an
// agent connects. The hub owns conn from now on.
func (h *Hub) ConnectCustomerRTP(callID string, codec Codec, conn *net.UDPConn, remote *net.UDPAddr) error {
	if _, err := h.open(callID, codec); err != nil {
		conn.Close()
		return err
	}
	return h.AttachCustomerRTP(callID, conn, remote)
}

// AttachCustomerRTP makes a plain RTP endpoint the customer of an open
// call: the number an agent dialed over the SIP trunk, once it answered.
// The hub owns conn from now on.
func (h *Hub) AttachCustomerRTP(callID string, conn *net.UDPConn, remote *net.UDPAddr) error {
	b := h.bridge(callID)
	if b == nil {
		conn.Close()
		return fmt.Errorf("media: no media for call %s", callID)
	}
	l := newRTPLeg(conn, remote, b.codec)
	b.mu.Lock()
	old := b.customer
	b.customer = l
	b.mu.Unlock()
	if old != nil {
		old.close()
	}
	idle := h.cfg.RTPTimeout
	if idle == 0 {
		idle = 30 * time.Second
	}
	go l.read(b.fromCustomerRTP, idle, func() {
		h.cfg.Log.Info("media: no RTP from the caller, ending the call", "call", callID, "after", idle)
		h.customerGone(callID)
	})
	return nil
}

func newRTPLeg(conn *net.UDPConn, remote *net.UDPAddr, codec Codec) *rtpLeg {
	var ssrc [4]byte
	_, _ = rand.Read(ssrc[:])
	return &rtpLeg{conn: conn, remote: remote, pt: codec.PayloadType(), ssrc: binary.BigEndian.Uint32(ssrc[:]), done: make(chan struct{})}
}

// ConnectRTP makes a plain RTP endpoint the call's far side (in place of
// an agent): conn is the local socket offered in SIP, remote the address
// the trunk answered with. The hub owns conn from now on.
func (h *Hub) ConnectRTP(callID string, conn *net.UDPConn, remote *net.UDPAddr) error {
	b := h.bridge(callID)
	if b == nil {
		conn.Close()
		return fmt.Errorf("media: no media for call %s", callID)
	}
	l := newRTPLeg(conn, remote, b.codec)
	go l.read(func(p []byte) { b.fromAgentRTP(l, p) }, 0, nil)
	h.attachAgent(b, l)
	return nil
}
