package media

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"sync"

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
	once sync.Once
}

// write sends one payload to the remote RTP address.
func (l *rtpLeg) write(payload []byte) error {
	l.mu.Lock()
	l.seq++
	l.ts += uint32(len(payload))
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: l.pt, SequenceNumber: l.seq, Timestamp: l.ts, SSRC: l.ssrc}, Payload: payload}
	l.mu.Unlock()
	buf, err := pkt.Marshal()
	if err != nil {
		return err
	}
	_, err = l.conn.WriteToUDP(buf, l.remote)
	return err
}

func (l *rtpLeg) close() { l.once.Do(func() { _ = l.conn.Close() }) }

// read delivers the payloads of the call's codec until the socket closes.
func (l *rtpLeg) read(onRTP func([]byte)) {
	buf := make([]byte, 1500)
	for {
		n, _, err := l.conn.ReadFromUDP(buf)
		if err != nil {
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

// ConnectRTP makes a plain RTP endpoint the call's far side (in place of
// an agent): conn is the local socket offered in SIP, remote the address
// the trunk answered with. The hub owns conn from now on.
func (h *Hub) ConnectRTP(callID string, conn *net.UDPConn, remote *net.UDPAddr) error {
	b := h.bridge(callID)
	if b == nil {
		conn.Close()
		return fmt.Errorf("media: no media for call %s", callID)
	}
	var ssrc [4]byte
	_, _ = rand.Read(ssrc[:])
	l := &rtpLeg{conn: conn, remote: remote, pt: b.codec.PayloadType(), ssrc: binary.BigEndian.Uint32(ssrc[:])}
	go l.read(func(p []byte) { b.fromAgentRTP(l, p) })
	h.attachAgent(b, l)
	return nil
}
