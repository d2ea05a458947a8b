package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// openBlobs opens the store of one kind of uploaded file (kind names the
// folder under --data, or the key prefix in the S3 bucket): the
// S3-compatible store when --s3-endpoint is set, else the data folder,
// whichever database.
func openBlobs(ctx context.Context, c *Config, kind string, logger *slog.Logger) (desk.BlobStore, error) {
	if !c.S3.Enabled() {
		return blob.NewDisk(filepath.Join(c.Data, kind))
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := blob.NewS3(cctx, c.S3, kind+"/")
	if err != nil {
		return nil, err
	}
	// S3Config's LogValue leaves the secret key out.
	logger.Info("files in S3-compatible store", "kind", kind, "s3", c.S3)
	return s, nil
}
