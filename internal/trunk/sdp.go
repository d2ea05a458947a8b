package trunk

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/switchboard-cc/switchboard/internal/media"
)

// Media directions of an SDP stream (RFC 3264 §5.1, §6.1).
const (
	dirSendRecv = "sendrecv"
	dirSendOnly = "sendonly"
	dirRecvOnly = "recvonly"
	dirInactive = "inactive"
)

// localSDP is what a SIP leg offers or answers: one audio stream in the
// call's G.711 codec on a plain RTP port (the trunk side carries no
// SRTP), with telephone-event (RFC 4733, the agent's key presses) at
// payload type event unless it is 0. The origin's session ID stays the
// leg's for its life and version counts the descriptions sent (RFC 3264
// §8: a changed description has a higher version).
type localSDP struct {
	host    string
	port    int
	codec   media.Codec
	event   uint8
	id      uint64
	version uint64
}

func newLocalSDP(host string, port int, codec media.Codec, event uint8) *localSDP {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &localSDP{host: host, port: port, codec: codec, event: event, id: uint64(binary.BigEndian.Uint32(b[:])), version: 1}
}

// marshal builds the description with pion/sdp, streaming in direction
// dir.
func (l *localSDP) marshal(dir string) []byte {
	pt := l.codec.PayloadType()
	formats := []string{strconv.Itoa(int(pt))}
	attrs := []sdp.Attribute{sdp.NewAttribute("rtpmap", fmt.Sprintf("%d %s/8000", pt, l.codec))}
	if l.event != 0 {
		ev := strconv.Itoa(int(l.event))
		formats = append(formats, ev)
		attrs = append(attrs, sdp.NewAttribute("rtpmap", ev+" telephone-event/8000"), sdp.NewAttribute("fmtp", ev+" 0-15"))
	}
	attrs = append(attrs, sdp.NewAttribute("ptime", "20"), sdp.NewPropertyAttribute(dir))
	conn := &sdp.ConnectionInformation{NetworkType: "IN", AddressType: "IP4", Address: &sdp.Address{Address: l.host}}
	sd := sdp.SessionDescription{
		Origin: sdp.Origin{Username: "switchboard", SessionID: l.id, SessionVersion: l.version,
			NetworkType: "IN", AddressType: "IP4", UnicastAddress: l.host},
		SessionName:           "Switchboard",
		ConnectionInformation: conn,
		TimeDescriptions:      []sdp.TimeDescription{{}},
		MediaDescriptions: []*sdp.MediaDescription{{
			MediaName:  sdp.MediaName{Media: "audio", Port: sdp.RangedPort{Value: l.port}, Protos: []string{"RTP", "AVP"}, Formats: formats},
			Attributes: attrs,
		}},
	}
	out, err := sd.Marshal()
	if err != nil { // only on a description pion cannot write: none built here
		panic(err)
	}
	return out
}

// next is the following description of the leg, its version one higher.
func (l *localSDP) next(dir string) []byte {
	l.version++
	return l.marshal(dir)
}

// sdpOffer is the description of a new leg (an INVITE's or our first
// answer), sending and receiving.
func sdpOffer(host string, port int, codec media.Codec, event uint8) []byte {
	return newLocalSDP(host, port, codec, event).marshal(dirSendRecv)
}

// remoteSDP is what a SIP party's description says of its audio.
type remoteSDP struct {
	// addr is where it receives RTP; nil when the stream is on hold the
	// RFC 2543 way (c=0.0.0.0) or rejected (port 0).
	addr *net.UDPAddr
	// dir is the party's direction (sendrecv when not given).
	dir string
	// pts are the payload types it offers, event its telephone-event
	// payload type (0: none).
	pts   []uint8
	event uint8
}

// parseSDP reads a party's description with pion/sdp.
func parseSDP(body []byte) (*remoteSDP, error) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return nil, fmt.Errorf("trunk: bad SDP: %w", err)
	}
	r := &remoteSDP{dir: dirSendRecv}
	for _, d := range []string{dirSendRecv, dirSendOnly, dirRecvOnly, dirInactive} {
		if _, ok := sd.Attribute(d); ok {
			r.dir = d
		}
	}
	for _, m := range sd.MediaDescriptions {
		if m.MediaName.Media != "audio" {
			continue
		}
		for _, d := range []string{dirSendRecv, dirSendOnly, dirRecvOnly, dirInactive} {
			if _, ok := m.Attribute(d); ok {
				r.dir = d
			}
		}
		for _, f := range m.MediaName.Formats {
			n, err := strconv.Atoi(f)
			if err != nil || n < 0 || n > 127 {
				continue
			}
			r.pts = append(r.pts, uint8(n))
			if c, err := sd.GetCodecForPayloadType(uint8(n)); err == nil && n >= 96 &&
				strings.EqualFold(c.Name, "telephone-event") && c.ClockRate == 8000 && r.event == 0 {
				r.event = uint8(n)
			}
		}
		conn := sd.ConnectionInformation
		if m.ConnectionInformation != nil {
			conn = m.ConnectionInformation
		}
		if conn == nil || conn.Address == nil {
			return nil, fmt.Errorf("trunk: SDP without a connection address")
		}
		ip := net.ParseIP(conn.Address.Address)
		if ip == nil {
			return nil, fmt.Errorf("trunk: SDP address %q is not an IP", conn.Address.Address)
		}
		if m.MediaName.Port.Value != 0 && !ip.IsUnspecified() {
			r.addr = &net.UDPAddr{IP: ip, Port: m.MediaName.Port.Value}
		}
		return r, nil
	}
	return nil, fmt.Errorf("trunk: SDP has no audio")
}

// offers reports whether the party offers the codec's payload type.
func (r *remoteSDP) offers(c media.Codec) bool {
	for _, pt := range r.pts {
		if pt == c.PayloadType() {
			return true
		}
	}
	return false
}

// answerDir is our direction answering a party's (RFC 3264 §6.1): its
// hold (sendonly) is answered recvonly, inactive inactive. The legacy
// hold (c=0.0.0.0) sends us nothing to send to: recvonly.
func (r *remoteSDP) answerDir() string {
	switch {
	case r.dir == dirInactive:
		return dirInactive
	case r.addr == nil && r.dir == dirRecvOnly:
		return dirInactive
	case r.dir == dirSendOnly || r.addr == nil:
		return dirRecvOnly
	case r.dir == dirRecvOnly:
		return dirSendOnly
	}
	return dirSendRecv
}

// telephoneEvent is the payload type a SIP party's SDP gives
// telephone-event/8000, 0 when it has none (no RFC 4733 key presses).
func telephoneEvent(body []byte) uint8 {
	r, err := parseSDP(body)
	if err != nil {
		return 0
	}
	return r.event
}

// sdpOfferMedia is the codec (the caller's first G.711) and RTP address of
// an INVITE's SDP offer.
func sdpOfferMedia(body []byte) (media.Codec, *net.UDPAddr, error) {
	codec, err := media.OfferedCodec(string(body))
	if err != nil {
		return "", nil, err
	}
	r, err := parseSDP(body)
	if err != nil {
		return "", nil, err
	}
	if r.addr == nil {
		return "", nil, fmt.Errorf("trunk: the offer's audio has no address")
	}
	return codec, r.addr, nil
}

// sdpAnswerAddr is where the far side receives RTP, from its SDP answer.
func sdpAnswerAddr(body []byte) (*net.UDPAddr, error) {
	r, err := parseSDP(body)
	if err != nil {
		return nil, err
	}
	if r.addr == nil {
		return nil, fmt.Errorf("trunk: the answer's audio has no address")
	}
	return r.addr, nil
}
