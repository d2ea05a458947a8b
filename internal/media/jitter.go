package media

import (
	"encoding/binary"
	"time"
)

// jitter is RFC 3550's interarrival jitter estimator (section 6.4.1,
// appendix A.8) over any series of transit times: each step moves the
// estimate a sixteenth of the way towards the change in transit between
// consecutive frames. Fed arrival minus RTP timestamp it is the receiver's
// classic jitter; fed arrival minus the sender's actual send time it is
// what the path adds; fed send time minus the 20 ms schedule it is the
// sender's own pacing jitter.
type jitter struct {
	last time.Duration
	j    float64 // nanoseconds
	n    int64
}

// add takes the next frame's transit time.
func (j *jitter) add(transit time.Duration) {
	if j.n > 0 {
		d := transit - j.last
		if d < 0 {
			d = -d
		}
		j.j += (float64(d) - j.j) / 16
	}
	j.last = transit
	j.n++
}

// value is the current estimate.
func (j *jitter) value() time.Duration { return time.Duration(j.j) }

// clockEpoch is the origin of send stamps: every phone of a process
// stamps and reads frames against the same monotonic clock, so a transit
// is a plain subtraction with no clock offset.
var clockEpoch = time.Now()

// stampNow is the monotonic time since clockEpoch.
func stampNow() time.Duration { return time.Since(clockEpoch) }

// Send stamps sit after the mark byte of a phone's frame: the hub forwards
// G.711 payloads unchanged, so the receiving phone reads when the sending
// one wrote the frame. They are 8 bytes of noise in a recording.
const stampAt, stampLen = 1, 8

func putStamp(payload []byte, at time.Duration) {
	binary.BigEndian.PutUint64(payload[stampAt:stampAt+stampLen], uint64(at))
}

// readStamp returns the send stamp of a phone's frame; ok is false for a
// frame too short to carry one.
func readStamp(payload []byte) (at time.Duration, ok bool) {
	if len(payload) < stampAt+stampLen {
		return 0, false
	}
	return time.Duration(binary.BigEndian.Uint64(payload[stampAt : stampAt+stampLen])), true
}
