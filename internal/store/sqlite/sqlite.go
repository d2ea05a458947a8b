// Package sqlite is Switchboard's embedded default store: pure-Go SQLite
// (modernc.org/sqlite, no cgo) in WAL mode with one writer connection and a
// pool of readers, over the shared SQL of package sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating if needed) the database file at path, runs the
// migrations and returns the store with the zero Options (tools, tests).
func Open(ctx context.Context, path string, clock desk.Clock) (*sqlstore.Store, error) {
	return OpenWith(ctx, path, clock, sqlstore.Options{})
}

// OpenWith is Open with the store's options: what it tells as it commits
// (see sqlstore.Options).
func OpenWith(ctx context.Context, path string, clock desk.Clock, opts sqlstore.Options) (*sqlstore.Store, error) {
	// secure_delete FAST zeroes a row's old bytes inside the page every
	// update or delete rewrites anyway (no extra I/O): the words of an
	// erased customer (issue 24) are not left in earlier row versions.
	// mmap_size: readers map the file instead of a read() system call per
	// page outside SQLite's own small cache (issue 22: lists spent a fifth
	// of their CPU in pread); the mapping shares the kernel's page cache.
	pragmas := []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(ON)", "synchronous(NORMAL)", "secure_delete(FAST)",
		"mmap_size(1073741824)"}
	dsn := func(txlock string) string {
		q := url.Values{}
		for _, p := range pragmas {
			q.Add("_pragma", p)
		}
		if txlock != "" {
			q.Set("_txlock", txlock)
		}
		return "file:" + path + "?" + q.Encode()
	}
	// The writer checkpoints only as a safety valve; the checkpointer's
	// connection does it in the background (see checkpointer).
	// temp_store MEMORY on the writer only: a statement that fires
	// triggers inside the batch's transaction keeps a statement journal,
	// and once one statement of a transaction spilled it past 64 KiB every
	// later one wrote it to a temporary file (12 % of the server's CPU
	// under new-customer ingest, issue 22). The writer does not run the
	// large sorts readers may, whose temporary data stays on disk.
	w, err := sql.Open("sqlite", dsn("immediate")+"&_pragma="+url.QueryEscape(fmt.Sprintf("wal_autocheckpoint(%d)", writerAutoCheckpoint))+
		"&_pragma="+url.QueryEscape("temp_store(MEMORY)"))
	if err != nil {
		return nil, err
	}
	// One writer: SQLite serializes writes anyway; queueing them in the pool
	// avoids busy retries.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)

	sub, _ := fs.Sub(migrations, "migrations")
	if err := sqlstore.Migrate(ctx, w, sub, ""); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	cdb, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	cp := newCheckpointer(cdb, nil)
	// The search cache's generation reads through a connection of its own.
	gen, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		cp.close()
		w.Close()
		r.Close()
		return nil, err
	}
	gen.SetMaxOpenConns(1)
	fts := &ftsSearch{gen: gen}
	closeAll := func() { cp.close(); fts.close() }
	s, err := sqlstore.New(ctx, w, r, sqlstore.Dialect{Name: "sqlite", IsUniqueViolation: isUniqueViolation, Prepare: true, Unwatched: true, IngestLanes: 1, Search: fts, LastInsertID: true,
		AfterWrite: indexNewMessages, IndexEvery: indexEvery, Unindexed: qUnindexed, OrderedAgentScan: true, AfterCommit: cp.committed, Close: closeAll}, clock, opts)
	if err != nil {
		closeAll()
		w.Close()
		r.Close()
		return nil, err
	}
	return s, nil
}

func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "constraint failed: UNIQUE"))
}

// indexEvery is how often at most a write transaction indexes for search
// what the transactions before it added (sqlstore.Dialect.IndexEvery):
// every commit wrote a small FTS5 segment and merged segments, 14–21 % of
// the server's CPU under group-committed ingest (issue 22); a search first
// indexes what waits, so it misses nothing committed.
const indexEvery = 100 * time.Millisecond

// qUnindexed answers whether rows wait above an index's mark: three
// look-ups of a table's highest ID and its mark.
const qUnindexed = `SELECT (SELECT COALESCE(MAX(id), 0) FROM messages) > (SELECT last_id FROM messages_fts_mark)
	OR (SELECT COALESCE(MAX(id), 0) FROM customers) > (SELECT last_id FROM customers_fts_mark)
	OR (SELECT COALESCE(MAX(id), 0) FROM conversations) > (SELECT last_id FROM conversations_fts_mark)`

// indexNewMessages index the messages, customers and conversations a
// write transaction added, a statement per table (migrations 070, 310):
// FTS5 flushes its pending index at every statement with a savepoint, so
// indexing per row in a trigger cost a flush per row.
var indexNewMessages = []string{
	`INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages WHERE id > (SELECT last_id FROM messages_fts_mark)`,
	`UPDATE messages_fts_mark SET last_id = (SELECT MAX(id) FROM messages) WHERE last_id < (SELECT COALESCE(MAX(id), 0) FROM messages)`,
	`INSERT INTO customers_fts(rowid, search_terms) SELECT id, search_terms FROM customers WHERE id > (SELECT last_id FROM customers_fts_mark)`,
	`UPDATE customers_fts_mark SET last_id = (SELECT MAX(id) FROM customers) WHERE last_id < (SELECT COALESCE(MAX(id), 0) FROM customers)`,
	`INSERT INTO conversations_fts(rowid, topic, customer) SELECT c.id, c.topic, COALESCE((SELECT search_terms FROM customers WHERE id = c.customer_id), '')
		FROM conversations c WHERE c.id > (SELECT last_id FROM conversations_fts_mark)`,
	`UPDATE conversations_fts_mark SET last_id = (SELECT MAX(id) FROM conversations) WHERE last_id < (SELECT COALESCE(MAX(id), 0) FROM conversations)`,
}
