package blob

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestDisk(t *testing.T) {
	ctx := context.Background()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.Put(ctx, "abc123", strings.NewReader("hello"), 5); err != nil || n != 5 {
		t.Fatalf("put = %d, %v", n, err)
	}
	rc, err := d.Open(ctx, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	tests := []struct {
		name, key, body string
		kind            string
	}{
		{"too large", "big123", "123456", desk.ETOOLARGE},
		{"key leaving the folder", "../etc/passwd", "x", desk.EINVALID},
		{"upper-case key", "ABC", "x", desk.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := d.Put(ctx, tt.key, strings.NewReader(tt.body), 5); desk.ErrorKind(err) != tt.kind {
				t.Fatalf("put err = %v, want %s", err, tt.kind)
			}
		})
	}
	if _, err := d.Open(ctx, "big123"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("an oversized upload was kept: %v", err)
	}
	if err := d.Delete(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "abc123"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := d.Open(ctx, "abc123"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("open after delete: %v", err)
	}
}
