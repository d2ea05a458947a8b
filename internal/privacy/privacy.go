// Package privacy carries out data-protection requests (GDPR articles 15,
// 17 and 20) and retention policies over the store: erasing a customer,
// exporting their data as one archive, and deleting what queues' policies
// say is due. The store deletes rows; this package deletes the files the
// rows named, after the rows are gone.
package privacy

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Service erases and exports customers' data.
type Service struct {
	Store desk.PrivacyStore
	// Blobs holds the attachments' bytes.
	Blobs desk.BlobStore
	// RecordDir is the call recordings' folder: only files inside it are
	// deleted or exported.
	RecordDir string
	Logger    *slog.Logger
}

// Erase erases the customer (admin only): the store's rows first, then
// their files. A file that cannot be deleted is logged by key, not
// retried: the rows naming it are gone.
func (s *Service) Erase(ctx context.Context, id desk.ID) (*desk.CustomerErasure, error) {
	er, err := s.Store.EraseCustomer(ctx, id)
	if err != nil {
		return nil, err
	}
	s.removeFiles(ctx, er.BlobKeys, er.Recordings)
	return er, nil
}

func (s *Service) removeFiles(ctx context.Context, keys, recordings []string) {
	for _, k := range keys {
		if s.Blobs == nil {
			break
		}
		if err := s.Blobs.Delete(ctx, k); err != nil {
			s.Logger.Error("delete file", "key", k, "err", err)
		}
	}
	for _, p := range recordings {
		if !s.inRecordDir(p) {
			s.Logger.Warn("recording outside the recordings folder left alone", "path", p)
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.Logger.Error("delete recording", "path", p, "err", err)
		}
	}
}

func (s *Service) inRecordDir(p string) bool {
	if s.RecordDir == "" {
		return false
	}
	rel, err := filepath.Rel(s.RecordDir, p)
	return err == nil && filepath.IsLocal(rel)
}

// Export writes everything stored about the customer (admin only) to w
// as one zip archive: customer.json (every row, table by table) and the
// files of their conversations under files/ and recordings/.
func (s *Service) Export(ctx context.Context, id desk.ID, w io.Writer) error {
	ex, err := s.Store.ExportCustomer(ctx, id)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	jw, err := zw.Create("customer.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ex); err != nil {
		return err
	}
	for _, f := range ex.Files {
		var r io.ReadCloser
		switch {
		case f.BlobKey != "" && s.Blobs != nil:
			r, err = s.Blobs.Open(ctx, f.BlobKey)
		case f.Path != "" && s.inRecordDir(f.Path):
			r, err = os.Open(f.Path)
		default:
			continue
		}
		if err != nil {
			// A file gone from its store is named, not fatal.
			s.Logger.Warn("export: file missing", "name", f.Name, "err", err)
			continue
		}
		fw, err := zw.Create(strings.TrimPrefix(f.Name, "/"))
		if err == nil {
			_, err = io.Copy(fw, r)
		}
		r.Close()
		if err != nil {
			return fmt.Errorf("export %s: %w", f.Name, err)
		}
	}
	return zw.Close()
}
