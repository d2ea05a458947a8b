package sqlite

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointer checks that the log is copied into the database by the
// background connection once every checkpointEvery commits, not before,
// while the writer itself does not checkpoint (its threshold is far).
func TestCheckpointer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(10000)"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	defer w.Close()
	if _, err := w.Exec(`CREATE TABLE blobs (b TEXT)`); err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	cdb, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	c := newCheckpointer(cdb, func(err error) { ran <- err })
	defer c.close()
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	for i := range checkpointEvery {
		if _, err := w.Exec(`INSERT INTO blobs VALUES ($1)`, strings.Repeat("x", 8000)); err != nil {
			t.Fatal(err)
		}
		if i < checkpointEvery-1 {
			c.committed()
			if len(c.kick) != 0 {
				t.Fatalf("checkpoint asked after %d commits", i+1)
			}
		}
	}
	if got := size(); got != before {
		t.Fatalf("the writer checkpointed: database %d → %d bytes", before, got)
	}
	c.committed()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if got := size(); got < before+checkpointEvery*8000 {
		t.Fatalf("database %d → %d bytes after the background checkpoint; the log was not copied", before, got)
	}
}
