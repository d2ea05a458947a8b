package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// TestIngestBatchTakesLateJobs checks that a job queued while a batch's
// statements run joins that batch's transaction (one commit) instead of
// waiting for the next (issue 22: batches of 2–3 messages under load).
func TestIngestBatchTakesLateJobs(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	c := &core{w: db, r: db, dialect: Dialect{IsUniqueViolation: func(error) bool { return false }}}
	b := newIngestBatcher(&Conversations{core: c}, true)
	t.Cleanup(b.close)

	ctx := context.Background()
	release := make(chan struct{})
	txs := make(chan *sql.Tx, 2)
	first := make(chan error, 1)
	go func() {
		first <- b.do(ctx, func(_ context.Context, tx *sql.Tx) error {
			txs <- tx
			<-release // the second job queues meanwhile
			return nil
		}, func(context.Context) error { return nil })
	}()
	tx1 := <-txs
	second := make(chan error, 1)
	go func() {
		second <- b.do(ctx, func(_ context.Context, tx *sql.Tx) error {
			txs <- tx
			return nil
		}, func(context.Context) error { return nil })
	}()
	for deadline := time.Now().Add(5 * time.Second); len(b.queue) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second job never queued")
		}
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if tx2 := <-txs; tx2 != tx1 {
		t.Fatal("the job queued during the batch was written in a transaction of its own")
	}
}

// TestIngestBatchGathers checks that a single writer's batch, before it
// starts, takes the writes of goroutines that were runnable when its first
// job arrived (issue 22: under 32 concurrent requests batches were 2–3
// messages, each paying a commit). With one processor the goroutines
// started here cannot queue until the writer yields.
func TestIngestBatchGathers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, gathers := range []bool{true, false} {
		b := &ingestBatcher{queue: make(chan *ingestJob, maxIngestBatch), gathers: gathers}
		for range 5 {
			go func() { b.queue <- &ingestJob{} }()
		}
		batch := b.gather([]*ingestJob{{}})
		want := 6
		if !gathers {
			want = 1
		}
		if len(batch) != want {
			t.Errorf("gathers %v: a batch of %d, want %d", gathers, len(batch), want)
		}
		for len(b.queue) < 6-len(batch) {
			runtime.Gosched()
		}
	}
}
