package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// A queue's own music wins over default.ul; no file, no music (the tone).
func TestHoldMusic(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if got := holdMusic(dir, "7", log); got != nil {
		t.Fatalf("empty folder: %d samples", len(got))
	}
	os.WriteFile(filepath.Join(dir, "default.ul"), make([]byte, 800), 0o600)
	os.WriteFile(filepath.Join(dir, "7.ul"), make([]byte, 1600), 0o600)
	if got := holdMusic(dir, "7", log); len(got) != 1600 {
		t.Fatalf("queue 7: %d samples", len(got))
	}
	if got := holdMusic(dir, "8", log); len(got) != 800 {
		t.Fatalf("queue 8: %d samples", len(got))
	}
}
