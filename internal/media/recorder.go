package media

import (
	"encoding/binary"
	"os"
	"sync"
	"time"
)

// recorder writes both legs of a call (I4) to a stereo G.711 WAV file:
// left the customer, right the agent, 8 kHz. The hub's clock drives it
// (flush) rather than packet arrival, so the file's length is the wall time
// recorded, with silence where a leg sent nothing (hold, a dropped packet).
type recorder struct {
	codec Codec
	f     *os.File
	start time.Time

	mu      sync.Mutex
	pending [2][]byte // per channel, bytes not yet written
	frames  int64     // sample frames written
	stopped bool
}

// maxPending bounds a leg's unwritten audio (1 s): a leg sending faster
// than the clock loses its oldest bytes instead of growing memory.
const maxPending = 8000

// startRecorder creates the file and starts the clock.
func startRecorder(path string, codec Codec) (*recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	r := &recorder{codec: codec, f: f, start: time.Now()}
	if _, err := f.Write(wavHeader(codec, 0)); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// add queues a leg's payload (0 customer, 1 agent).
func (r *recorder) add(ch int, payload []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	p := append(r.pending[ch], payload...)
	if len(p) > maxPending {
		p = p[len(p)-maxPending:]
	}
	r.pending[ch] = p
}

// flush writes the frames due by now, interleaving the two channels.
func (r *recorder) flush(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	n := int64(now.Sub(r.start)*8000/time.Second) - r.frames
	if n <= 0 {
		return
	}
	buf := make([]byte, 2*n)
	sil := r.codec.silence()
	for i := int64(0); i < n; i++ {
		for ch := 0; ch < 2; ch++ {
			b := sil
			if p := r.pending[ch]; len(p) > 0 {
				b, r.pending[ch] = p[0], p[1:]
			}
			buf[2*i+int64(ch)] = b
		}
	}
	if _, err := r.f.Write(buf); err == nil {
		r.frames += n
	}
}

// stop writes what is due, fixes the header's sizes and closes the file.
// It returns the recorded duration; a second stop does nothing.
func (r *recorder) stop() time.Duration {
	r.flush(time.Now())
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return r.duration()
	}
	r.stopped = true
	_, _ = r.f.WriteAt(wavHeader(r.codec, r.frames), 0)
	_ = r.f.Close()
	return r.duration()
}

func (r *recorder) duration() time.Duration {
	return time.Duration(r.frames) * time.Second / 8000
}

// wavHeader is the 58-byte header of a stereo 8 kHz G.711 WAV holding
// frames sample frames (format 7 μ-law, 6 A-law, with the fact chunk
// non-PCM formats carry).
func wavHeader(codec Codec, frames int64) []byte {
	h := make([]byte, 58)
	data := uint32(frames * 2)
	format := uint16(7)
	if codec == PCMA {
		format = 6
	}
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 50+data)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 18)
	binary.LittleEndian.PutUint16(h[20:], format)
	binary.LittleEndian.PutUint16(h[22:], 2)     // channels
	binary.LittleEndian.PutUint32(h[24:], 8000)  // sample rate
	binary.LittleEndian.PutUint32(h[28:], 16000) // bytes per second
	binary.LittleEndian.PutUint16(h[32:], 2)     // block align
	binary.LittleEndian.PutUint16(h[34:], 8)     // bits per sample
	binary.LittleEndian.PutUint16(h[36:], 0)     // extension size
	copy(h[38:], "fact")
	binary.LittleEndian.PutUint32(h[42:], 4)
	binary.LittleEndian.PutUint32(h[46:], uint32(frames))
	copy(h[50:], "data")
	binary.LittleEndian.PutUint32(h[54:], data)
	return h
}

// WAVDuration reads the duration of a recording made by the hub.
func WAVDuration(path string) (time.Duration, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	frames := (st.Size() - 58) / 2
	return time.Duration(frames) * time.Second / 8000, nil
}
