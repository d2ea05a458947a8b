package realtime

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// countsFrame is the queue.counts frame: the current counts of one queue
// after a change, or of every queue the client may see when it connects.
type countsFrame struct {
	Type   string            `json:"type"`
	Queues []desk.QueueCount `json:"queues"`
}

// maxCountIDs is the most queues counted by id in one query; a larger
// round counts every queue.
const maxCountIDs = 500

// queueCounter recounts the queues that changes touched, at most once per
// interval, so a burst of inbound conversations becomes a few queue.counts
// frames per queue, the last of them counted after the last change. Every
// node counts from the shared database for its own sockets, so the counts
// follow changes made on any node.
type queueCounter struct {
	hub   *Hub
	every time.Duration

	mu    sync.Mutex
	dirty map[desk.ID]struct{}
	wake  chan struct{}
	done  chan struct{}
}

func newQueueCounter(h *Hub, every time.Duration) *queueCounter {
	return &queueCounter{hub: h, every: every, dirty: map[desk.ID]struct{}{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// touch marks the queues a change may have changed the counts of.
func (q *queueCounter) touch(ch desk.Change) {
	switch ch.Type {
	case desk.ChangeConversationCreated, desk.ChangeConversationUpdated, desk.ChangeConversationAssigned,
		desk.ChangeConversationUnassigned, desk.ChangeConversationTransferred, desk.ChangeConversationHandedOff,
		desk.ChangeQueueUpdated:
	default:
		return
	}
	q.mu.Lock()
	for _, id := range []desk.ID{ch.QueueID, ch.FromQueueID} {
		if id != 0 {
			q.dirty[id] = struct{}{}
		}
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run counts every queue once, then the touched ones, until the hub stops.
// A change that lands while a round runs marks its queue again, so it is
// counted by the next round: the last frame carries the final counts.
func (q *queueCounter) run() {
	defer close(q.done)
	all := true // the first round counts every queue
	for {
		q.mu.Lock()
		ids := make([]desk.ID, 0, len(q.dirty))
		for id := range q.dirty {
			ids = append(ids, id)
		}
		clear(q.dirty)
		q.mu.Unlock()
		if !all && len(ids) == 0 {
			select {
			case <-q.hub.stop:
				return
			case <-q.wake:
			}
			continue
		}
		if all || len(ids) > maxCountIDs {
			ids = nil
		}
		all = false
		if !q.count(ids) { // retried next round
			all = ids == nil
			q.mu.Lock()
			for _, id := range ids {
				q.dirty[id] = struct{}{}
			}
			q.mu.Unlock()
		}
		// The changes of the next interval gather in dirty.
		t := time.NewTimer(q.every)
		select {
		case <-q.hub.stop:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// count reads the counts of ids (every queue when nil) and sends those
// that changed.
func (q *queueCounter) count(ids []desk.ID) bool {
	ctx, cancel := context.WithTimeout(desk.NewContextWithActor(context.Background(), desk.SystemActor), 10*time.Second)
	defer cancel()
	q.hub.metrics.countRounds.Inc()
	list, err := q.hub.store.CountQueues(ctx, ids)
	if err != nil {
		q.hub.log.Error("realtime: count queues", "queues", len(ids), "err", err)
		return false
	}
	q.hub.publishCounts(ids, list)
	return true
}

// publishCounts sends each count that differs from the last one sent to
// the clients that may see its queue. A queue asked for (every queue when
// asked is nil) but not counted was deleted: it is forgotten.
func (h *Hub) publishCounts(asked []desk.ID, list []desk.QueueCount) {
	h.mu.Lock()
	defer h.mu.Unlock()
	counted := make(map[desk.ID]bool, len(list))
	for _, n := range list {
		counted[n.QueueID] = true
	}
	if asked == nil {
		for id := range h.counts {
			if !counted[id] {
				delete(h.counts, id)
			}
		}
	}
	for _, id := range asked {
		if !counted[id] {
			delete(h.counts, id)
		}
	}
	for _, n := range list {
		if old, ok := h.counts[n.QueueID]; ok && old == n {
			continue
		}
		h.counts[n.QueueID] = n
		data := mustJSON(countsFrame{Type: desk.FrameQueueCounts, Queues: []desk.QueueCount{n}})
		for c := range h.wide {
			c.push(data)
		}
		for c := range h.byQueue[n.QueueID] {
			c.push(data)
		}
	}
}

// sendCounts queues one frame with the counts of every queue c may see;
// the caller holds the lock.
func (h *Hub) sendCounts(c *client, bounded bool) {
	var list []desk.QueueCount
	if c.allQueues {
		list = make([]desk.QueueCount, 0, len(h.counts))
		for _, n := range h.counts {
			list = append(list, n)
		}
	} else {
		for _, id := range c.queues {
			if n, ok := h.counts[id]; ok {
				list = append(list, n)
			}
		}
	}
	if len(list) == 0 {
		return
	}
	slices.SortFunc(list, func(a, b desk.QueueCount) int { return cmp.Compare(a.QueueID, b.QueueID) })
	c.enqueue(mustJSON(countsFrame{Type: desk.FrameQueueCounts, Queues: list}), bounded)
}
