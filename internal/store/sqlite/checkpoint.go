package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
)

// checkpointEvery is how many committed write transactions pass between
// two checkpoints; SQLite's own default (1,000 WAL pages) is about as
// many small transactions.
const checkpointEvery = 64

// checkpointer copies the write-ahead log back into the database file
// from a reader connection, so that no write transaction pays for it.
// SQLite's automatic checkpoint runs inside the commit that crosses the
// threshold — copying ~1,000 pages and two fsyncs while the single writer
// waits — which was the tail of every write latency. The writer has
// automatic checkpoints off; after every checkpointEvery commits a PASSIVE
// checkpoint runs here, which never blocks writers or readers (it copies
// what no reader still needs; the next one copies the rest). Closing the
// last connection checkpoints the rest, as before.
type checkpointer struct {
	db      *sql.DB
	commits atomic.Uint64
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

func newCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// committed counts a commit and wakes the checkpointer every
// checkpointEvery of them, never blocking the writer.
func (c *checkpointer) committed() {
	if c.commits.Add(1)%checkpointEvery != 0 {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
			if _, _, err := c.checkpoint(context.Background()); err != nil {
				slog.Warn("sqlite: checkpoint", "err", err)
			}
		}
	}
}

// checkpoint runs one PASSIVE checkpoint and reports the frames in the
// log and how many of them are now in the database file.
func (c *checkpointer) checkpoint(ctx context.Context) (logFrames, copied int, err error) {
	var busy int
	err = c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &copied)
	return logFrames, copied, err
}

// close stops the checkpointer after the checkpoint in hand.
func (c *checkpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.done
}
