// Package media is Switchboard's media hub for calls (I1–I4): every party
// is a WebRTC peer connection to the server (pion/webrtc) negotiating G.711
// only, and the hub bridges the two legs of a call, plays the queue's
// music on hold, and records both legs until a transfer.
package media

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
)

// Config tunes the hub.
type Config struct {
	// RecordDir is where recordings go (one WAV per call); "" records
	// nothing.
	RecordDir string
	// Music returns the hold music of a call's queue as 8 kHz samples; nil
	// or an empty result plays the built-in Tone.
	Music func(callID string) []int16
	// IncludeLoopback offers loopback ICE candidates (tests, one-host
	// setups without another interface).
	IncludeLoopback bool
	// PortMin and PortMax bound the UDP ports of media (0: any).
	PortMin, PortMax uint16
	// ICE are the STUN/TURN servers of the hub's peer connections (and,
	// through the HTTP layer, of the browsers').
	ICE ICE
	// PublicIPs are the hub's public addresses when it sits behind a 1:1
	// NAT (a cloud VM): host candidates carry them instead of the private
	// address.
	PublicIPs []string
	// RTPTimeout ends a call whose plain RTP customer (a SIP caller) sent
	// nothing for that long (default 30 s; negative: never).
	RTPTimeout time.Duration
	// OnCustomerGone is told when a customer's connection fails or closes,
	// so the call can end.
	OnCustomerGone func(callID string)
	Log            *slog.Logger
}

// Hub holds the media of the node's calls.
type Hub struct {
	cfg Config
	api *webrtc.API

	mu      sync.Mutex
	bridges map[string]*bridge
	// ended keeps the last stats and recording of finished calls.
	ended map[string]Stats
	paths map[string]string
	// clock runs while the hub has calls (see run).
	clockOn bool
}

// NewHub returns a hub whose peer connections offer only PCMU and PCMA.
func NewHub(cfg Config) (*Hub, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	m := &webrtc.MediaEngine{}
	for _, c := range []struct {
		mime string
		pt   webrtc.PayloadType
	}{{webrtc.MimeTypePCMU, 0}, {webrtc.MimeTypePCMA, 8}} {
		if err := m.RegisterCodec(webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: c.mime, ClockRate: 8000},
			PayloadType:        c.pt,
		}, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, err
		}
	}
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// No mDNS: a multicast socket per peer connection costs descriptors and
	// CPU at hundreds of calls; browsers' .local candidates still connect
	// as peer-reflexive when their checks arrive.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(cfg.IncludeLoopback)
	if len(cfg.PublicIPs) > 0 {
		if err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{External: cfg.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost, Mode: webrtc.ICEAddressRewriteReplace}); err != nil {
			return nil, err
		}
	}
	if cfg.PortMin != 0 {
		if err := se.SetEphemeralUDPPortRange(cfg.PortMin, cfg.PortMax); err != nil {
			return nil, err
		}
	}
	// No interceptors: G.711 over a bridge needs no NACK, TWCC or
	// reports generated per packet, and each costs CPU at 200+ calls.
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
	return &Hub{cfg: cfg, api: api, bridges: map[string]*bridge{}, ended: map[string]Stats{}, paths: map[string]string{}}, nil
}

// ConnectCustomer answers the customer's SDP offer for a call, creating the
// call's bridge: the customer hears music until an agent connects.
func (h *Hub) ConnectCustomer(ctx context.Context, callID, offer string) (string, error) {
	codec, err := offeredCodec(offer, "")
	if err != nil {
		return "", err
	}
	b, err := h.open(callID, codec)
	if err != nil {
		return "", err
	}
	l, answer, err := h.newLeg(ctx, offer, codec, b.fromCustomerRTP, func() { h.customerGone(callID) })
	if err != nil {
		h.End(callID)
		return "", err
	}
	b.mu.Lock()
	b.customer = l
	b.mu.Unlock()
	return answer, nil
}

// Open creates a call's bridge before either party connects: an outbound
// call over the SIP trunk, where the agent's browser connects first and
// the dialed customer's RTP joins on answer (AttachCustomerRTP).
func (h *Hub) Open(callID string, codec Codec) error {
	_, err := h.open(callID, codec)
	return err
}

// open creates a call's bridge in codec with its queue's hold music and
// starts the hub's clock.
func (h *Hub) open(callID string, codec Codec) (*bridge, error) {
	// The music is looked up before taking the hub's lock: the lookup may
	// read a file and ask the call service, which calls into the hub.
	var music []int16
	if h.cfg.Music != nil {
		music = h.cfg.Music(callID)
	}
	if len(music) == 0 {
		music = Tone()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bridges[callID] != nil {
		return nil, fmt.Errorf("media: call %s has a customer already", callID)
	}
	b := newBridge(callID, codec, music)
	h.bridges[callID] = b
	if !h.clockOn {
		h.clockOn = true
		go h.run()
	}
	return b, nil
}

// ConnectAgent answers an agent's SDP offer for a call and bridges the
// agent to the customer, replacing an earlier agent leg. The offer must
// allow the codec the customer negotiated. Recording starts with the first
// agent.
func (h *Hub) ConnectAgent(ctx context.Context, callID, offer string) (string, error) {
	b := h.bridge(callID)
	if b == nil {
		return "", fmt.Errorf("media: no media for call %s", callID)
	}
	if _, err := offeredCodec(offer, b.codec); err != nil {
		return "", err
	}
	var l *leg
	l, answer, err := h.newLeg(ctx, offer, b.codec, func(p []byte) { b.fromAgentRTP(l, p) }, func() {})
	if err != nil {
		return "", err
	}
	h.attachAgent(b, l)
	return answer, nil
}

// attachAgent makes p the call's agent side, closing the one before, and
// starts the recording with the first agent unless a transfer stopped it.
func (h *Hub) attachAgent(b *bridge, l party) {
	callID := b.id
	b.mu.Lock()
	old := b.agent
	b.agent, b.held = l, false
	if b.rec == nil && !b.recordOff && h.cfg.RecordDir != "" {
		path := filepath.Join(h.cfg.RecordDir, callID+".wav")
		if rec, err := startRecorder(path, b.codec); err != nil {
			h.cfg.Log.Error("media: starting recording", "call", callID, "err", err)
		} else {
			b.rec, b.recPath = rec, path
		}
	}
	b.mu.Unlock()
	if old != nil {
		old.close()
	}
}

// Hold switches the customer to music (on) or back to the agent.
func (h *Hub) Hold(callID string, on bool) {
	if b := h.bridge(callID); b != nil {
		b.mu.Lock()
		b.held = on
		b.mu.Unlock()
	}
}

// DropAgent disconnects the agent (a transfer): recording stops for good
// and the customer hears music until the next agent connects.
func (h *Hub) DropAgent(callID string) {
	b := h.bridge(callID)
	if b == nil {
		return
	}
	b.stopRecording()
	b.mu.Lock()
	a := b.agent
	b.agent, b.held = nil, false
	b.mu.Unlock()
	if a != nil {
		a.close()
	}
}

// End tears down a call's media, keeping its final stats and recording.
func (h *Hub) End(callID string) { h.end(callID) }

// end tears the call's media down; false when there was none.
func (h *Hub) end(callID string) bool {
	h.mu.Lock()
	b := h.bridges[callID]
	delete(h.bridges, callID)
	h.mu.Unlock()
	if b == nil {
		return false
	}
	b.close()
	h.mu.Lock()
	h.ended[callID] = b.stats()
	if b.recPath != "" {
		h.paths[callID] = b.recPath
	}
	h.mu.Unlock()
	return true
}

// Stats returns a call's packet counters (live or final).
func (h *Hub) Stats(callID string) (Stats, bool) {
	if b := h.bridge(callID); b != nil {
		return b.stats(), true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.ended[callID]
	return st, ok
}

// Recording returns the path of a call's recording, or "".
func (h *Hub) Recording(callID string) string {
	if b := h.bridge(callID); b != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.recPath
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.paths[callID]
}

// ICEServers returns the STUN/TURN servers browsers should use, with
// fresh credentials.
func (h *Hub) ICEServers() []ICEServer { return h.cfg.ICE.Servers(time.Now()) }

// Calls reports how many calls have media on this node.
func (h *Hub) Calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bridges)
}

// run is the hub's clock: every 20 ms it beats each call (music), every
// 200 ms it also flushes recordings; it stops when the last call ends.
func (h *Hub) run() {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	var bridges []*bridge
	for n := 0; ; n++ {
		now := <-t.C
		h.mu.Lock()
		if len(h.bridges) == 0 {
			h.clockOn = false
			h.mu.Unlock()
			return
		}
		bridges = bridges[:0]
		for _, b := range h.bridges {
			bridges = append(bridges, b)
		}
		h.mu.Unlock()
		for _, b := range bridges {
			b.tick(now, n%10 == 0)
		}
	}
}

func (h *Hub) bridge(id string) *bridge {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bridges[id]
}

// customerGone ends the call's media, then tells OnCustomerGone: whoever
// it tells finds the media already ended (its final stats kept), and a
// second report of the same leg (failed, then closed) finds no bridge.
func (h *Hub) customerGone(callID string) {
	if h.end(callID) && h.cfg.OnCustomerGone != nil {
		h.cfg.OnCustomerGone(callID)
	}
}
