package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/blob"
)

// mustDataFolder makes a data folder with a WAL-mode database holding n
// rows and one uploaded file.
func mustDataFolder(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBName)+"?_pragma=journal_mode(WAL)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := db.Exec(`INSERT INTO t(v) VALUES (?)`, strings.Repeat("x", 100)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "attachments", "ke"), 0o750); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "attachments", "ke", "key1"), []byte("upload"), 0o640); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func countRows(tb testing.TB, path string) int {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestWriteRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := mustDataFolder(t, 50)
	var buf bytes.Buffer
	m, err := Write(ctx, &buf, Source{Data: dir, Version: "v-test", Exclude: []string{"backups"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Files != 1 || m.Bytes != 6 {
		t.Fatalf("manifest %+v: want the one upload", m)
	}
	out := filepath.Join(t.TempDir(), "restored")
	got, err := Restore(ctx, bytes.NewReader(buf.Bytes()), out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != "v-test" || got.Files != 1 {
		t.Fatalf("restored manifest %+v", got)
	}
	if n := countRows(t, filepath.Join(out, DBName)); n != 50 {
		t.Fatalf("%d rows restored, want 50", n)
	}
	if b, err := os.ReadFile(filepath.Join(out, "attachments", "ke", "key1")); err != nil || string(b) != "upload" {
		t.Fatalf("upload: %q %v", b, err)
	}
	// Not a backup, and a non-empty folder, are refused.
	if _, err := Restore(ctx, strings.NewReader("not zstd"), t.TempDir()); err == nil {
		t.Fatal("garbage restored")
	}
	if _, err := Restore(ctx, bytes.NewReader(buf.Bytes()), out); err == nil {
		t.Fatal("restore into a non-empty folder succeeded")
	}
}

// TestScheduleKeepsNewest runs the schedule until it has made four
// backups and checks that only the newest two are left, the newest
// restorable.
func TestScheduleKeepsNewest(t *testing.T) {
	dir := mustDataFolder(t, 10)
	target := dirTarget(filepath.Join(dir, "backups"))
	made := make(chan string, 10)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Schedule{Every: 20 * time.Millisecond, Keep: 2, Source: Source{Data: dir, Exclude: []string{"backups"}}, Target: target,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Done: func(name string, err error) {
			if err != nil {
				t.Error(err)
			}
			made <- name
		}}
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	var names []string
	for len(names) < 4 {
		names = append(names, <-made)
	}
	cancel()
	<-done
	left, err := target.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[1] < names[3] {
		t.Fatalf("left %v after making %v: want the newest two", left, names)
	}
	r, err := target.Open(context.Background(), left[1])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, err := Restore(context.Background(), r, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if m.Files != 1 {
		t.Fatalf("scheduled backup holds %d files: the backups folder must be left out", m.Files)
	}
}

// TestS3Location stores, lists, restores and prunes backups in the
// S3-compatible test server (versitygw, scripts/ensure-services.sh).
func TestS3Location(t *testing.T) {
	ctx := context.Background()
	cfg := blob.S3Config{Endpoint: "http://127.0.0.1:7070", AccessKey: "switchboard", SecretKey: "switchboard-test-secret", Region: "us-east-1"}
	var rb [6]byte
	rand.Read(rb[:])
	prefix := "s3://switchboard-backups/t-" + hex.EncodeToString(rb[:]) + "/"
	target, name, err := ParseLocation(ctx, prefix, cfg)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("S3 server unreachable under CI: %v", err)
		}
		t.Skipf("SKIPPING: S3 server unreachable: %v (run scripts/ensure-services.sh)", err)
	}
	if name != "" {
		t.Fatalf("prefix parsed as backup %q", name)
	}
	dir := mustDataFolder(t, 20)
	var names []string
	for i := 0; i < 3; i++ {
		n, _, err := Make(ctx, Source{Data: dir}, target, Name(time.Now().Add(time.Duration(i)*time.Second)))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if gone, err := Prune(ctx, target, 2); err != nil || len(gone) != 1 || gone[0] != names[0] {
		t.Fatalf("pruned %v, %v; want %s", gone, err, names[0])
	}
	// The full location of one backup, as restore takes it.
	one, name, err := ParseLocation(ctx, prefix+names[2], cfg)
	if err != nil || name != names[2] {
		t.Fatalf("parse %s: %q %v", names[2], name, err)
	}
	r, err := one.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := t.TempDir()
	if _, err := Restore(ctx, r, out); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, filepath.Join(out, DBName)); n != 20 {
		t.Fatalf("%d rows from S3, want 20", n)
	}
	for _, n := range names[1:] {
		_ = target.Remove(ctx, n)
	}
}

// TestS3KeysInManifest: with uploads in an S3-compatible store the
// manifest lists their keys (the lister's answer) instead of files.
func TestS3KeysInManifest(t *testing.T) {
	dir := mustDataFolder(t, 3)
	var buf bytes.Buffer
	_, err := Write(context.Background(), &buf, Source{Data: dir, S3Keys: map[string]func(context.Context) ([]string, error){
		"attachments": func(context.Context) ([]string, error) { return []string{"ka1", "ka2"}, nil }}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Restore(context.Background(), &buf, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := m.S3Keys["attachments"]; len(got) != 2 || got[0] != "ka1" || got[1] != "ka2" {
		t.Fatalf("manifest keys %v", m.S3Keys)
	}
}
