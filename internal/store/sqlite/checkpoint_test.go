package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestWriterLeavesCheckpointsToCheckpointer shows the store's writer never
// checkpoints inside a commit, that commits wake the checkpointer every
// checkpointEvery, and that its checkpoint copies the whole log back.
func TestWriterLeavesCheckpointsToCheckpointer(t *testing.T) {
	ctx := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var auto int
	if err := s.DB().QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint %d (%v), want 0", auto, err)
	}
	// Writes through the store leave frames in the log ...
	for i := range 20 {
		if err := s.CreateQueue(ctx, &desk.Queue{Name: fmt.Sprint("Q", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// ... which a checkpoint on a reader connection copies back.
	c := &checkpointer{db: s.DB(), kick: make(chan struct{}, 1)}
	logFrames, copied, err := c.checkpoint(ctx)
	if err != nil || logFrames == 0 || copied != logFrames {
		t.Fatalf("checkpoint: %d frames in the log, %d copied, %v", logFrames, copied, err)
	}
	for range checkpointEvery - 1 {
		c.committed()
	}
	if len(c.kick) != 0 {
		t.Fatal("woken before checkpointEvery commits")
	}
	c.committed()
	if len(c.kick) != 1 {
		t.Fatal("not woken after checkpointEvery commits")
	}
	c.committed() // a wake-up already pending: never blocks
}
