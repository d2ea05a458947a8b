package sqlstore

import "testing"

// TestBacklogQueues: a queue counts as draining from a full batch until a
// batch comes back short; queues are apart.
func TestBacklogQueues(t *testing.T) {
	var b backlogQueues
	if b.draining(1) {
		t.Fatal("nothing noted yet")
	}
	b.note(1, true)
	b.note(2, false)
	if !b.draining(1) || b.draining(2) {
		t.Fatal("queue 1 filled its batch, queue 2 did not")
	}
	b.note(1, false)
	if b.draining(1) {
		t.Fatal("a short batch ends the backlog")
	}
}
