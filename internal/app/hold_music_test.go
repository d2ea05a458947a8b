package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// TestQueueHoldMusic: the music a supervisor stored for a queue is what
// its callers on hold hear; a queue without any falls back (nil).
func TestQueueHoldMusic(t *testing.T) {
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ul := []byte{0xff, 0x7f, 0x00, 0x80} // μ-law: 0, 0, -32124, 32124
	if _, err := blobs.Put(context.Background(), voice.HoldMusicKey(desk.ID(7)), bytes.NewReader(ul), 100); err != nil {
		t.Fatal(err)
	}
	got := queueBlobAudio(context.Background(), blobs, voice.HoldMusicKey(7), log)
	if len(got) != 4 || got[0] != 0 || got[2] >= -30000 || got[3] <= 30000 {
		t.Fatalf("queue 7 plays %v", got)
	}
	if got := queueBlobAudio(context.Background(), blobs, voice.HoldMusicKey(8), log); got != nil {
		t.Fatalf("queue 8 has no music of its own, got %d samples", len(got))
	}
}
