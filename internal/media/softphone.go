package media

import (
	"fmt"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Softphone is a minimal WebRTC party for tests and the calls benchmark: it
// offers G.711, sends a 20 ms frame filled with its mark byte every 20 ms,
// and counts what it receives by the frames' first byte (another party's
// mark, or hold music), with loss and RFC 3550 interarrival jitter.
type Softphone struct {
	pc    *webrtc.PeerConnection
	track *webrtc.TrackLocalStaticRTP
	// conn is a plain RTP phone's socket (NewRTPPhone), to remote.
	conn   *net.UDPConn
	remote *net.UDPAddr
	mark   byte
	stop   chan struct{}
	once   sync.Once

	sent atomic.Int64
	// win bounds the frames Measure follows, as send stamps; smu guards
	// the sender's side of it.
	winFrom, winTo atomic.Int64
	smu            sync.Mutex
	win            Window

	mu      sync.Mutex
	byMark  map[byte]int64
	firstBy map[byte]time.Time
	total   int64
	lost    int64
	lastSeq uint16
	started bool
	// jitter state (RFC 3550 A.8), in sample units
	lastTransit float64
	jitter      float64
	first       time.Time
	// peer is the mark whose frames Measure follows; path is the jitter
	// of their transit (arrival minus send stamp).
	peer byte
	path jitter
}

// NewSoftphone creates a party offering codecs (the first preferred) and
// returns its complete SDP offer.
func NewSoftphone(mark byte, codecs ...Codec) (*Softphone, string, error) {
	if len(codecs) == 0 {
		codecs = []Codec{PCMU, PCMA}
	}
	m := &webrtc.MediaEngine{}
	for _, c := range codecs {
		pt := webrtc.PayloadType(0)
		if c == PCMA {
			pt = 8
		}
		if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/" + string(c), ClockRate: 8000}, PayloadType: pt}, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, "", err
		}
	}
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// No mDNS: a multicast socket per peer connection costs descriptors and
	// CPU at hundreds of calls; browsers' .local candidates still connect
	// as peer-reflexive when their checks arrive.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: "audio/" + string(codecs[0]), ClockRate: 8000}, "audio", fmt.Sprintf("phone-%d", mark))
	if err != nil {
		pc.Close()
		return nil, "", err
	}
	sender, err := pc.AddTrack(track)
	if err != nil {
		pc.Close()
		return nil, "", err
	}
	go drainRTCP(sender)
	p := &Softphone{pc: pc, track: track, mark: mark, stop: make(chan struct{}), byMark: map[byte]int64{}, firstBy: map[byte]time.Time{}}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			p.received(pkt, time.Now())
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		pc.Close()
		return nil, "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		pc.Close()
		return nil, "", err
	}
	<-gathered
	return p, pc.LocalDescription().SDP, nil
}

// Accept applies the hub's answer and starts sending.
func (p *Softphone) Accept(answer string) error {
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		return err
	}
	go p.send()
	return nil
}

// send paces frames by the clock, not by ticks: a late wake-up (a busy
// CPU) sends the frames that are due, as a sound card's steady clock
// would, so the rate stays 50 frames a second.
func (p *Softphone) send() {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	payload := make([]byte, frameBytes)
	for i := range payload {
		payload[i] = p.mark
	}
	var seq uint16
	var ts uint32
	const frame = 20 * time.Millisecond
	start, n := stampNow(), time.Duration(0)
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		for due := (stampNow() - start) / frame; n < due; n++ {
			seq++
			ts += frameBytes
			// The stamp is taken at the write, so a late wake-up shows
			// as pacing jitter here, not as path jitter at the receiver.
			at := stampNow()
			putStamp(payload, at)
			if p.write(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts}, Payload: payload}) == nil {
				p.sent.Add(1)
				p.sentFrame(at, start+(n+1)*frame)
			}
		}
	}
}

func (p *Softphone) received(pkt *rtp.Packet, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(pkt.Payload) > 0 {
		m := pkt.Payload[0]
		if p.byMark[m] == 0 {
			p.firstBy[m] = at
		}
		p.byMark[m]++
	}
	p.total++
	if !p.started {
		p.started, p.first = true, at
	} else if gap := pkt.SequenceNumber - p.lastSeq; gap > 1 && gap < 1000 {
		p.lost += int64(gap - 1)
	}
	p.lastSeq = pkt.SequenceNumber
	transit := at.Sub(p.first).Seconds()*8000 - float64(pkt.Timestamp)
	if p.total > 1 {
		p.jitter += (math.Abs(transit-p.lastTransit) - p.jitter) / 16
	}
	p.lastTransit = transit
	if p.peer != 0 && len(pkt.Payload) > 0 && pkt.Payload[0] == p.peer {
		if sent, ok := readStamp(pkt.Payload); ok && p.inWindow(sent) {
			tr := at.Sub(clockEpoch) - sent
			p.win.Received++
			p.win.Transits = append(p.win.Transits, tr)
			p.path.add(tr)
		}
	}
}

// Received counts received frames whose first byte is mark.
func (p *Softphone) Received(mark byte) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byMark[mark]
}

// FirstFrom returns when the first frame marked mark arrived (zero if
// none did).
func (p *Softphone) FirstFrom(mark byte) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.firstBy[mark]
}

// Sent counts the frames sent so far.
func (p *Softphone) Sent() int64 { return p.sent.Load() }

// Quality returns the frames received, lost (sequence gaps), the
// interarrival jitter and when the first frame arrived.
func (p *Softphone) Quality() (received, lost int64, jitter time.Duration, first time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total, p.lost, time.Duration(p.jitter / 8000 * float64(time.Second)), p.first
}

// write sends one packet on the phone's track or RTP socket.
func (p *Softphone) write(pkt *rtp.Packet) error {
	if p.conn == nil {
		return p.track.WriteRTP(pkt)
	}
	buf, err := pkt.Marshal()
	if err != nil {
		return err
	}
	_, err = p.conn.WriteToUDP(buf, p.remote)
	return err
}

// Close hangs up.
func (p *Softphone) Close() {
	p.once.Do(func() {
		close(p.stop)
		if p.pc != nil {
			_ = p.pc.Close()
		}
		if p.conn != nil {
			_ = p.conn.Close()
		}
	})
}

// NewRTPPhone is a Softphone on plain RTP, as a caller from a SIP trunk
// is: it sends to remote (PCMU) once Start runs; Addr is where it
// receives.
func NewRTPPhone(mark byte, remote *net.UDPAddr) (*Softphone, error) {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	_ = conn.SetReadBuffer(1 << 20)
	p := &Softphone{conn: conn, remote: remote, mark: mark, stop: make(chan struct{}), byMark: map[byte]int64{}, firstBy: map[byte]time.Time{}}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, _, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			var pkt rtp.Packet
			if pkt.Unmarshal(buf[:n]) == nil {
				p.received(&pkt, time.Now())
			}
		}
	}()
	return p, nil
}

// Addr is where a plain RTP phone receives.
func (p *Softphone) Addr() *net.UDPAddr { return p.conn.LocalAddr().(*net.UDPAddr) }

// Start begins sending on a plain RTP phone.
func (p *Softphone) Start() { go p.send() }
