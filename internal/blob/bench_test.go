package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// benchBlobStore stores and reads back files of a note attachment's
// typical sizes; b.SetBytes makes `go test -bench` print MB/s.
func benchBlobStore(b *testing.B, s desk.BlobStore) {
	ctx := context.Background()
	for _, size := range []int{64 << 10, 1 << 20, 8 << 20} {
		data := make([]byte, size)
		rand.Read(data)
		b.Run(fmt.Sprintf("put-%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				if _, err := s.Put(ctx, fmt.Sprintf("bench-%d", i%16), bytes.NewReader(data), desk.MaxAttachmentBytes); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("open-%dKiB", size>>10), func(b *testing.B) {
			if _, err := s.Put(ctx, "bench-read", bytes.NewReader(data), desk.MaxAttachmentBytes); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				rc, err := s.Open(ctx, "bench-read")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		})
	}
}

func BenchmarkDisk(b *testing.B) {
	d, err := NewDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	benchBlobStore(b, d)
}

func BenchmarkS3(b *testing.B) {
	cfg := testS3Config()
	s, err := NewS3(context.Background(), cfg, "bench/")
	if err != nil {
		b.Skipf("no S3 server at %s: %v (run scripts/ensure-services.sh)", cfg.Endpoint, err)
	}
	benchBlobStore(b, s)
}
