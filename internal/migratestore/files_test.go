package migratestore

import (
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/blob"
)

// TestFilesCopiesAndReportsMissing: the uploads the attachment rows name
// are copied to the target store (once: a second run copies none), and
// one missing from the data folder is reported, not copied.
func TestFilesCopiesAndReportsMissing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE attachments (id INTEGER PRIMARY KEY, blob_key TEXT NOT NULL);
		INSERT INTO attachments (blob_key) VALUES ('keyone'), ('keytwo'), ('keyone'), ('')`); err != nil {
		t.Fatal(err)
	}
	from, _ := blob.NewDisk(filepath.Join(dir, "from"))
	to, _ := blob.NewDisk(filepath.Join(dir, "to"))
	if _, err := from.Put(ctx, "keyone", strings.NewReader("bytes of one"), 100); err != nil {
		t.Fatal(err)
	}
	rep, err := Files(ctx, db, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Referenced != 2 || rep.Copied != 1 || len(rep.Missing) != 1 || rep.Missing[0] != "keytwo" {
		t.Fatalf("report %+v", rep)
	}
	r, err := to.Open(ctx, "keyone")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "bytes of one" {
		t.Fatalf("copied %q", b)
	}
	if rep, err := Files(ctx, db, from, to); err != nil || rep.Copied != 0 {
		t.Fatalf("second run %+v %v", rep, err)
	}
}
