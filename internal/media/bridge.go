package media

import (
	"sync"
	"sync/atomic"
	"time"
)

// frameBytes is one 20 ms G.711 frame.
const frameBytes = 160

// Stats counts a call's packets per direction.
type Stats struct {
	// FromCustomer and FromAgent are packets received from each leg.
	FromCustomer int64 `json:"from_customer"`
	FromAgent    int64 `json:"from_agent"`
	// ToAgent and ToCustomer are packets forwarded across the bridge.
	ToAgent    int64 `json:"to_agent"`
	ToCustomer int64 `json:"to_customer"`
	// Music is hold-music packets sent to the customer (I2).
	Music int64 `json:"music"`
	// Recorded is the recording's length so far, or at its stop (I4).
	Recorded float64 `json:"recorded_seconds"`
}

// party is one side of a bridge: a WebRTC leg, or a plain RTP leg to a
// SIP trunk (the external party of a transfer).
type party interface {
	// write sends one G.711 payload to the party.
	write(payload []byte) error
	close()
}

// bridge joins a call's customer and agent legs: it forwards RTP between
// them unchanged (no transcoding: both legs run the same G.711 codec),
// plays music to the customer while on hold or while no agent is
// connected, and records both legs from the first agent until a transfer.
type bridge struct {
	id    string
	codec Codec
	music []byte // encoded in codec, looped

	mu       sync.Mutex
	customer party
	agent    party
	held     bool
	musicAt  int
	rec      *recorder
	recorded time.Duration
	recPath  string
	// recordOff is set once recording stopped (a transfer): it never
	// restarts for the next agent (I4).
	recordOff bool

	fromCustomer, fromAgent, toAgent, toCustomer, musicSent atomic.Int64

	once sync.Once
}

func newBridge(id string, codec Codec, music []int16) *bridge {
	b := &bridge{id: id, codec: codec, music: codec.encode(music)}
	if len(b.music) < frameBytes {
		b.music = append(b.music, make([]byte, frameBytes)...)
	}
	return b
}

// fromCustomerRTP forwards a customer payload to the agent unless on hold.
func (b *bridge) fromCustomerRTP(payload []byte) {
	b.fromCustomer.Add(1)
	b.mu.Lock()
	a, held, rec := b.agent, b.held, b.rec
	b.mu.Unlock()
	if rec != nil {
		rec.add(0, payload)
	}
	if a != nil && !held && a.write(payload) == nil {
		b.toAgent.Add(1)
	}
}

// fromAgentRTP forwards the payload of leg l to the customer, if l is still
// the call's agent and the call is not on hold.
func (b *bridge) fromAgentRTP(l party, payload []byte) {
	b.fromAgent.Add(1)
	b.mu.Lock()
	c, cur, held, rec := b.customer, b.agent, b.held, b.rec
	b.mu.Unlock()
	if cur != l {
		return
	}
	if rec != nil {
		rec.add(1, payload)
	}
	if c != nil && !held && c.write(payload) == nil {
		b.toCustomer.Add(1)
	}
}

// tick is the hub clock's 20 ms beat: a music frame to the customer while
// on hold or waiting for an agent (I2), and on flush beats the recording's
// due frames. One clock for all calls spares a timer per call.
func (b *bridge) tick(now time.Time, flush bool) {
	b.mu.Lock()
	c, rec := b.customer, b.rec
	play := c != nil && (b.held || b.agent == nil)
	var frame []byte
	if play {
		frame = make([]byte, frameBytes)
		for i := range frame {
			frame[i] = b.music[b.musicAt]
			b.musicAt = (b.musicAt + 1) % len(b.music)
		}
	}
	b.mu.Unlock()
	if play && c.write(frame) == nil {
		b.musicSent.Add(1)
	}
	if flush && rec != nil {
		rec.flush(now)
	}
}

// stopRecording closes the recording, for good.
func (b *bridge) stopRecording() {
	b.mu.Lock()
	rec := b.rec
	b.rec, b.recordOff = nil, true
	b.mu.Unlock()
	if rec != nil {
		d := rec.stop()
		b.mu.Lock()
		b.recorded = d
		b.mu.Unlock()
	}
}

// close ends the call's media: recording, music, both legs.
func (b *bridge) close() {
	b.once.Do(func() {
		b.stopRecording()
		b.mu.Lock()
		c, a := b.customer, b.agent
		b.customer, b.agent = nil, nil
		b.mu.Unlock()
		if c != nil {
			c.close()
		}
		if a != nil {
			a.close()
		}
	})
}

func (b *bridge) stats() Stats {
	b.mu.Lock()
	rec := b.recorded
	if b.rec != nil {
		rec = time.Since(b.rec.start)
	}
	b.mu.Unlock()
	return Stats{FromCustomer: b.fromCustomer.Load(), FromAgent: b.fromAgent.Load(), ToAgent: b.toAgent.Load(),
		ToCustomer: b.toCustomer.Load(), Music: b.musicSent.Load(), Recorded: rec.Seconds()}
}
