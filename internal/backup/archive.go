package backup

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Manifest describes one backup; it is the archive's first entry.
type Manifest struct {
	// Format is the archive layout's version (1).
	Format int `json:"format"`
	// Created is when the database snapshot was taken (UTC).
	Created time.Time `json:"created"`
	// Version is the switchboard version that made it.
	Version string `json:"version"`
	// Files counts the data folder's files in the archive, Bytes their size.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// S3Keys lists, per kind of file (attachments, ...), the keys of the
	// uploads kept in an S3-compatible store, which the archive does not
	// copy: the bucket keeps them (enable its versioning to keep deleted
	// ones too).
	S3Keys map[string][]string `json:"s3_keys,omitempty"`
}

// Source is what a backup copies.
type Source struct {
	// Data is the data folder: DBName and the uploads' folders.
	Data string
	// Version is recorded in the manifest.
	Version string
	// S3Keys, if set, lists the keys of the uploads of one kind kept in an
	// S3-compatible store (kind → lister).
	S3Keys map[string]func(context.Context) ([]string, error)
	// Exclude names folders of Data left out (e.g. where backups go).
	Exclude []string
}

// skipped are the data folder's files a backup never copies: the live
// database and its log (the snapshot replaces them) and temporary files.
func skipped(rel string) bool {
	base := filepath.Base(rel)
	return rel == DBName || strings.HasPrefix(rel, DBName+"-") || strings.HasPrefix(base, ".upload-") || strings.HasPrefix(base, ".backup-")
}

// Write writes a backup of src to w: the manifest, then the database
// snapshot, then every other file of the data folder. The snapshot comes
// first, so every file a snapshot row refers to was written before it
// (uploads are stored before the rows naming them are committed).
func Write(ctx context.Context, w io.Writer, src Source) (*Manifest, error) {
	tmp, err := os.MkdirTemp(src.Data, ".backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	m := &Manifest{Format: 1, Created: time.Now().UTC(), Version: src.Version}
	snap := filepath.Join(tmp, DBName)
	if err := snapshotSQLite(ctx, filepath.Join(src.Data, DBName), snap); err != nil {
		return nil, err
	}
	if len(src.S3Keys) > 0 {
		m.S3Keys = map[string][]string{}
		for kind, list := range src.S3Keys {
			keys, err := list(ctx)
			if err != nil {
				return nil, fmt.Errorf("backup: list %s: %w", kind, err)
			}
			m.S3Keys[kind] = keys
		}
	}
	var files []string
	err = filepath.WalkDir(src.Data, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src.Data, p)
		if d.IsDir() {
			if rel != "." && (p == tmp || strings.HasPrefix(d.Name(), ".backup-") || excluded(rel, src.Exclude)) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !skipped(rel) {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}

	zw, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	// The manifest's counts are only known at the end: it is written
	// first with the keys and once more, complete, as the last entry.
	if err := writeJSON(tw, "manifest.json", m); err != nil {
		return nil, err
	}
	if _, err := addFile(tw, snap, DBName); err != nil {
		return nil, err
	}
	for _, rel := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := addFile(tw, filepath.Join(src.Data, rel), "data/"+filepath.ToSlash(rel))
		if os.IsNotExist(err) {
			continue // deleted since the walk (a retention job, an erase)
		}
		if err != nil {
			return nil, err
		}
		m.Files++
		m.Bytes += n
	}
	if err := writeJSON(tw, "manifest.json", m); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return m, zw.Close()
}

func excluded(rel string, ex []string) bool {
	for _, e := range ex {
		if e != "" && (rel == e || strings.HasPrefix(rel, e+string(filepath.Separator))) {
			return true
		}
	}
	return false
}

func writeJSON(tw *tar.Writer, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o640, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err = tw.Write(b)
	return err
}

// addFile copies the file at path into the archive as name.
func addFile(tw *tar.Writer, path, name string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o640, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
		return 0, err
	}
	// A file still growing is copied as it was when opened.
	return io.Copy(tw, io.LimitReader(f, st.Size()))
}
