package bus

import (
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Local is the in-process bus of a single node: it numbers changes and
// hands them to the handler at once.
type Local struct {
	mu  sync.Mutex
	seq uint64
	h   Handler
}

// NewLocal returns an in-process bus.
func NewLocal() *Local { return &Local{} }

// Publish numbers and delivers changes. The store calls it after commit,
// in commit order; the lock keeps numbering and delivery in that order.
func (l *Local) Publish(changes []desk.Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ch := range changes {
		l.seq++
		if l.h != nil {
			l.h.OnEvent(Event{Seq: l.seq, Change: ch})
		}
	}
}

// Signal delivers a signal.
func (l *Local) Signal(sig Signal) {
	l.mu.Lock()
	h := l.h
	l.mu.Unlock()
	if h != nil {
		h.OnSignal(sig)
	}
}

// Start sets the handler; there is nothing to replay.
func (l *Local) Start(h Handler, backlog int) error {
	l.mu.Lock()
	l.h = h
	l.mu.Unlock()
	return nil
}

// Close stops delivery.
func (l *Local) Close() error {
	l.mu.Lock()
	l.h = nil
	l.mu.Unlock()
	return nil
}
