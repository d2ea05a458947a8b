package backup

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Restore unpacks the backup read from r into the data folder data, which
// must be empty or missing, and checks the restored database's integrity.
// It returns the backup's manifest.
func Restore(ctx context.Context, r io.Reader, data string) (*Manifest, error) {
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(data)
	if err != nil {
		return nil, err
	}
	if len(entries) > 0 {
		return nil, fmt.Errorf("restore: %s is not empty (restore into an empty data folder)", data)
	}
	zr, err := zstd.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	var m *Manifest
	sawDB := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("restore: not a switchboard backup: %w", err)
		}
		switch {
		case h.Name == "manifest.json":
			m = new(Manifest)
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(m); err != nil {
				return nil, fmt.Errorf("restore: manifest: %w", err)
			}
		case h.Name == DBName:
			sawDB = true
			if err := extract(tr, filepath.Join(data, DBName)); err != nil {
				return nil, err
			}
		case strings.HasPrefix(h.Name, "data/") && h.Typeflag == tar.TypeReg:
			rel := path.Clean(strings.TrimPrefix(h.Name, "data/"))
			// An entry that would leave the folder is refused.
			if rel == "." || strings.HasPrefix(rel, "../") || rel == ".." || path.IsAbs(rel) {
				return nil, fmt.Errorf("restore: bad entry %q", h.Name)
			}
			if err := extract(tr, filepath.Join(data, filepath.FromSlash(rel))); err != nil {
				return nil, err
			}
		}
	}
	if m == nil || m.Format != 1 || !sawDB {
		return nil, fmt.Errorf("restore: not a switchboard backup (no manifest or database)")
	}
	if err := IntegrityCheck(ctx, filepath.Join(data, DBName)); err != nil {
		return nil, err
	}
	return m, nil
}

func extract(r io.Reader, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
