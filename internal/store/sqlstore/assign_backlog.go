package sqlstore

import (
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// backlogQueues remembers the queues whose last automatic assignment on
// this node filled its batch: the next call there skips mayAssign, the
// look on the readers that exists to spare a write transaction where
// nothing can happen. In a backlog that look is a second walk from the
// head of the waiting index, through the entries of every conversation
// assigned since the oldest open snapshot (dead but not yet removable),
// as long as the read of the head itself (issue 22, docs/benchmarks.md
// "pgdrain"). Skipping it is always safe: at worst one transaction finds
// nothing to do.
type backlogQueues struct {
	mu   sync.Mutex
	full map[desk.ID]bool
}

// note records whether queue's last batch came back full.
func (b *backlogQueues) note(queue desk.ID, full bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !full {
		delete(b.full, queue)
		return
	}
	if b.full == nil {
		b.full = map[desk.ID]bool{}
	}
	b.full[queue] = true
}

// draining reports whether queue's last batch came back full.
func (b *backlogQueues) draining(queue desk.ID) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.full[queue]
}
