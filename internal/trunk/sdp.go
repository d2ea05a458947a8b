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

// sdpOffer is the SDP of an INVITE or of our answer: one audio stream in
// the call's G.711 codec on a plain RTP port (the trunk side carries no
// SRTP), with telephone-event (RFC 4733, the agent's key presses) at
// payload type event unless it is 0.
func sdpOffer(host string, port int, codec media.Codec, event uint8) []byte {
	var id [4]byte
	_, _ = rand.Read(id[:])
	sess := binary.BigEndian.Uint32(id[:])
	pt := codec.PayloadType()
	fmts := strconv.Itoa(int(pt))
	events := ""
	if event != 0 {
		fmts += " " + strconv.Itoa(int(event))
		events = fmt.Sprintf("a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n", event, event)
	}
	return fmt.Appendf(nil, "v=0\r\no=switchboard %d 1 IN IP4 %s\r\ns=Switchboard\r\nc=IN IP4 %s\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP %s\r\na=rtpmap:%d %s/8000\r\n%sa=ptime:20\r\na=sendrecv\r\n", sess, host, host, port, fmts, pt, codec, events)
}

// telephoneEvent is the payload type a SIP party's SDP gives
// telephone-event/8000, 0 when it has none (no RFC 4733 key presses).
func telephoneEvent(body []byte) uint8 {
	for _, line := range strings.Split(string(body), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "a=rtpmap:")
		if !ok {
			continue
		}
		pt, enc, ok := strings.Cut(rest, " ")
		n, err := strconv.Atoi(pt)
		if ok && err == nil && n >= 96 && n <= 127 && strings.HasPrefix(strings.ToLower(enc), "telephone-event/8000") {
			return uint8(n)
		}
	}
	return 0
}

// sdpOfferMedia is the codec (the caller's first G.711) and RTP address of
// an INVITE's SDP offer.
func sdpOfferMedia(body []byte) (media.Codec, *net.UDPAddr, error) {
	codec, err := media.OfferedCodec(string(body))
	if err != nil {
		return "", nil, err
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return "", nil, fmt.Errorf("trunk: bad SDP offer: %w", err)
	}
	addr, err := sdpAudioAddr(&sd)
	return codec, addr, err
}

// sdpAnswerAddr is where the far side receives RTP, from its SDP answer.
func sdpAnswerAddr(body []byte) (*net.UDPAddr, error) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return nil, fmt.Errorf("trunk: bad SDP answer: %w", err)
	}
	return sdpAudioAddr(&sd)
}

// sdpAudioAddr is the RTP address of a description's first audio stream.
func sdpAudioAddr(sd *sdp.SessionDescription) (*net.UDPAddr, error) {
	for _, m := range sd.MediaDescriptions {
		if m.MediaName.Media != "audio" || m.MediaName.Port.Value == 0 {
			continue
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
		return &net.UDPAddr{IP: ip, Port: m.MediaName.Port.Value}, nil
	}
	return nil, fmt.Errorf("trunk: SDP has no audio")
}
