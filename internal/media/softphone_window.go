package media

import "time"

// Window is what a phone measured over the frames sent within a Measure
// window. Frames are assigned to the window by their send stamp at both
// ends, so a frame counts as sent and as received (or lost) in the same
// window however long it spends in transit: loss is exact, and received
// never exceeds sent.
type Window struct {
	// Sent counts the frames this phone wrote in the window.
	Sent int64
	// PacingJitter is the RFC 3550 jitter of this phone's send times
	// against its 20 ms schedule: what a receiver sees even over a
	// perfect path.
	PacingJitter time.Duration
	// Received counts the peer's frames sent in the window that arrived.
	Received int64
	// Transits are their one-way times, sent stamp to arrival.
	Transits []time.Duration
	// PathJitter is the RFC 3550 jitter of those transits: what the path
	// (hub included) adds to the sender's pacing.
	PathJitter time.Duration

	pacing jitter
}

// Measure follows the frames sent from start until end: this phone's own,
// and those of the party marked peer it receives. Call it before start on
// every phone of a measurement, and read Window once the last frames had
// time to arrive.
func (p *Softphone) Measure(start, end time.Time, peer byte) {
	p.mu.Lock()
	p.peer = peer
	p.mu.Unlock()
	// A zero end turns the window off, so it is set last.
	p.winFrom.Store(int64(start.Sub(clockEpoch)))
	p.winTo.Store(int64(end.Sub(clockEpoch)))
}

// Window returns what was measured since Measure.
func (p *Softphone) Window() Window {
	p.smu.Lock()
	w := Window{Sent: p.win.Sent, PacingJitter: p.win.pacing.value()}
	p.smu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Received = p.win.Received
	w.Transits = append([]time.Duration(nil), p.win.Transits...)
	w.PathJitter = p.path.value()
	return w
}

// inWindow says whether a frame sent at the stamp sent is measured.
func (p *Softphone) inWindow(sent time.Duration) bool {
	to := time.Duration(p.winTo.Load())
	return to != 0 && sent >= time.Duration(p.winFrom.Load()) && sent < to
}

// sentFrame counts a frame written at the stamp at that was due at due.
func (p *Softphone) sentFrame(at, due time.Duration) {
	if !p.inWindow(at) {
		return
	}
	p.smu.Lock()
	p.win.Sent++
	p.win.pacing.add(at - due)
	p.smu.Unlock()
}
