package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testBlobStore is the conformance suite every desk.BlobStore passes: the
// data folder and S3 alike.
func testBlobStore(t *testing.T, s desk.BlobStore) {
	ctx := context.Background()
	mustPut := func(t *testing.T, key string, body []byte, max int64) {
		t.Helper()
		if n, err := s.Put(ctx, key, bytes.NewReader(body), max); err != nil || n != int64(len(body)) {
			t.Fatalf("put %s = %d, %v; want %d", key, n, err, len(body))
		}
	}
	mustRead := func(t *testing.T, key string) []byte {
		t.Helper()
		rc, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("open %s: %v", key, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	wantKind := func(t *testing.T, what string, err error, kind string) {
		t.Helper()
		if desk.ErrorKind(err) != kind {
			t.Fatalf("%s: err = %v, want %s", what, err, kind)
		}
	}

	t.Run("round trip of binary bytes", func(t *testing.T) {
		big := make([]byte, 3<<20+17)
		rand.Read(big)
		mustPut(t, "bin-roundtrip", big, 4<<20)
		if got := mustRead(t, "bin-roundtrip"); !bytes.Equal(got, big) {
			t.Fatalf("read %d bytes back, not the %d stored", len(got), len(big))
		}
	})
	t.Run("keys are separate and a put replaces", func(t *testing.T) {
		mustPut(t, "key-one", []byte("one"), 10)
		mustPut(t, "key-two", []byte("two"), 10)
		mustPut(t, "key-one", []byte("uno"), 10)
		if a, b := string(mustRead(t, "key-one")), string(mustRead(t, "key-two")); a != "uno" || b != "two" {
			t.Fatalf("read %q and %q", a, b)
		}
	})
	t.Run("exactly max is kept, one byte more is refused and not kept", func(t *testing.T) {
		mustPut(t, "at-max", []byte("12345"), 5)
		_, err := s.Put(ctx, "over-max", strings.NewReader("123456"), 5)
		wantKind(t, "put over max", err, desk.ETOOLARGE)
		if e, ok := err.(*desk.Error); !ok || e.Code != "attachment_too_large" || e.Field != "files" {
			t.Fatalf("error = %#v, want code attachment_too_large on field files", err)
		}
		_, err = s.Open(ctx, "over-max")
		wantKind(t, "open the refused key", err, desk.ENOTFOUND)
	})
	t.Run("a refused replacement keeps the old bytes", func(t *testing.T) {
		mustPut(t, "keep-old", []byte("old"), 5)
		_, err := s.Put(ctx, "keep-old", strings.NewReader("far too long"), 5)
		wantKind(t, "put over max", err, desk.ETOOLARGE)
		if got := string(mustRead(t, "keep-old")); got != "old" {
			t.Fatalf("read %q, want the old bytes", got)
		}
	})
	t.Run("missing key", func(t *testing.T) {
		_, err := s.Open(ctx, "never-stored")
		wantKind(t, "open", err, desk.ENOTFOUND)
		if err := s.Delete(ctx, "never-stored"); err != nil {
			t.Fatalf("delete of a missing key: %v", err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		mustPut(t, "to-delete", []byte("x"), 5)
		if err := s.Delete(ctx, "to-delete"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Open(ctx, "to-delete")
		wantKind(t, "open after delete", err, desk.ENOTFOUND)
		if err := s.Delete(ctx, "to-delete"); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})
	for _, key := range []string{"../etc/passwd", "ABC", "ab", "a/b/c", strings.Repeat("a", 129), "with space"} {
		t.Run("bad key "+key[:min(len(key), 12)], func(t *testing.T) {
			_, err := s.Put(ctx, key, strings.NewReader("x"), 5)
			wantKind(t, "put", err, desk.EINVALID)
			_, err = s.Open(ctx, key)
			wantKind(t, "open", err, desk.EINVALID)
			wantKind(t, "delete", s.Delete(ctx, key), desk.EINVALID)
		})
	}
}

func TestDisk(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testBlobStore(t, d)
}
