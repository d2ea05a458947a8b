package realtime

// ring keeps the last n frames, oldest first, in a fixed circular buffer:
// adding one is O(1), however long the backlog.
type ring struct {
	buf   []frame
	start int // index of the oldest frame
	n     int // frames held
}

func newRing(size int) *ring { return &ring{buf: make([]frame, size)} }

// add appends f, dropping the oldest frame when full.
func (r *ring) add(f frame) {
	if len(r.buf) == 0 {
		return
	}
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = f
		r.n++
		return
	}
	r.buf[r.start] = f
	r.start = (r.start + 1) % len(r.buf)
}

// len reports how many frames are held.
func (r *ring) len() int { return r.n }

// oldest returns the oldest frame; the ring must not be empty.
func (r *ring) oldest() frame { return r.buf[r.start] }

// each calls fn for every frame, oldest first.
func (r *ring) each(fn func(f frame)) {
	for i := 0; i < r.n; i++ {
		fn(r.buf[(r.start+i)%len(r.buf)])
	}
}
