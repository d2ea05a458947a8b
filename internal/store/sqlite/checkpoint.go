package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
)

// checkpointEvery is how many write commits pass between background
// checkpoints: at the usual 10–25 log pages a commit, a few hundred pages,
// so each checkpoint is short and the log stays small for the readers.
const checkpointEvery = 32

// writerAutoCheckpoint is the log size (pages) at which the writer still
// checkpoints inside a commit, as SQLite does by default at 1,000: only a
// safety valve, reached when the background checkpoints fall behind.
const writerAutoCheckpoint = 10000

// checkpointer copies the write-ahead log into the database from its own
// connection, so that no commit pays for it. Inside a commit (SQLite's
// default, every 1,000 pages) a checkpoint writes the pages and syncs the
// log and the database: 1–2% of commits took 5–10 ms, the p99 of the
// write — and of automatic assignment, which commits inside the write that
// makes work waiting. A PASSIVE checkpoint takes no lock a writer or a
// reader waits for.
type checkpointer struct {
	db      *sql.DB
	commits atomic.Int64
	kick    chan struct{}
	// ran, if set, is told of each checkpoint's outcome (tests).
	ran  func(err error)
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
}

func newCheckpointer(db *sql.DB, ran func(err error)) *checkpointer {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), ran: ran, stop: make(chan struct{})}
	c.done.Add(1)
	go c.run()
	return c
}

// committed counts a write commit and asks for a checkpoint every
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
	defer c.done.Done()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
			_, err := c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
			if err != nil {
				slog.Warn("sqlite: background checkpoint", "err", err)
			}
			if c.ran != nil {
				c.ran(err)
			}
		}
	}
}

// close stops the checkpoints and closes the connection; closing the last
// connection of the database checkpoints what is left.
func (c *checkpointer) close() {
	c.once.Do(func() {
		close(c.stop)
		c.done.Wait()
		c.db.Close()
	})
}
