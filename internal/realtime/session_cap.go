package realtime

import (
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// DefaultMaxPerSession is how many live sockets one session may hold on a
// node by default: a few tabs and a phone's reconnects, not a flood.
const DefaultMaxPerSession = 16

// sessionCap counts the sockets of each session, taken before the upgrade
// and given back when the socket leaves.
type sessionCap struct {
	mu sync.Mutex
	n  map[desk.ID]int
}

func (s *sessionCap) take(id desk.ID, max int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[desk.ID]int{}
	}
	if s.n[id] >= max {
		return false
	}
	s.n[id]++
	return true
}

func (s *sessionCap) give(id desk.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[id]--; s.n[id] <= 0 {
		delete(s.n, id)
	}
}

func errTooManySockets() error {
	e := desk.CodedErrorf(desk.ETOOMANY, "too_many_sockets", "this session has too many live connections open; close some tabs and try again")
	e.Detail = map[string]any{"retry_after": 5}
	return e
}
