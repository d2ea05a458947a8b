package media

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// leg is one party's peer connection to the hub: a track the hub writes to
// and the party's incoming audio. Its outgoing stream has its own sequence
// numbers and timestamps, so switching the source (the other party, hold
// music) never breaks the receiver's jitter buffer.
type leg struct {
	pc    *webrtc.PeerConnection
	track *webrtc.TrackLocalStaticRTP

	mu  sync.Mutex
	seq uint16
	ts  uint32
}

// write sends one G.711 payload to the party.
func (l *leg) write(payload []byte) error {
	l.mu.Lock()
	l.seq++
	l.ts += uint32(len(payload)) // one byte per 8 kHz sample
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: l.seq, Timestamp: l.ts}, Payload: payload}
	l.mu.Unlock()
	return l.track.WriteRTP(pkt)
}

func (l *leg) close() { _ = l.pc.Close() }

// offeredCodec returns the first G.711 codec of an SDP offer's audio, in
// the offerer's order of preference.
func offeredCodec(offer string, want Codec) (Codec, error) {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(offer); err != nil {
		return "", fmt.Errorf("media: bad SDP offer: %w", err)
	}
	var first Codec
	for _, m := range sd.MediaDescriptions {
		if m.MediaName.Media != "audio" {
			continue
		}
		for _, f := range m.MediaName.Formats {
			var pt uint8
			if _, err := fmt.Sscan(f, &pt); err != nil {
				continue
			}
			c, err := sd.GetCodecForPayloadType(pt)
			if err != nil {
				continue
			}
			if got := codecOf(c.Name); got != "" && (want == "" || got == want) {
				return got, nil
			} else if got != "" && first == "" {
				first = got
			}
		}
	}
	if want != "" && first != "" {
		return "", fmt.Errorf("media: the call runs %s, the offer has only %s", want, first)
	}
	return "", fmt.Errorf("media: the offer has no PCMU or PCMA audio")
}

// newLeg answers an offer with a peer connection sending codec; onRTP gets
// the party's payloads, onGone runs once when the connection fails or
// closes. Candidates are gathered before answering (no trickle ICE), so one
// request-response carries the whole negotiation.
func (h *Hub) newLeg(ctx context.Context, offer string, codec Codec, onRTP func([]byte), onGone func()) (*leg, string, error) {
	pc, err := h.api.NewPeerConnection(webrtc.Configuration{ICEServers: h.cfg.ICE.webrtcServers(time.Now())})
	if err != nil {
		return nil, "", err
	}
	fail := func(err error) (*leg, string, error) {
		_ = pc.Close()
		return nil, "", err
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return fail(fmt.Errorf("media: %w", err))
	}
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: "audio/" + string(codec), ClockRate: 8000}, "audio", "switchboard")
	if err != nil {
		return fail(err)
	}
	sender, err := pc.AddTrack(track)
	if err != nil {
		return fail(err)
	}
	go drainRTCP(sender)
	l := &leg{pc: pc, track: track}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			onRTP(pkt.Payload)
		}
	})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateFailed || s == webrtc.PeerConnectionStateClosed {
			once.Do(onGone)
		}
	})
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail(fmt.Errorf("media: %w", err))
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return fail(fmt.Errorf("media: %w", err))
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return fail(ctx.Err())
	case <-time.After(5 * time.Second):
		return fail(fmt.Errorf("media: ICE gathering timed out"))
	}
	return l, pc.LocalDescription().SDP, nil
}

// drainRTCP reads the receiver reports a sender gets, so they never back up.
func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}
