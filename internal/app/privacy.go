package app

import (
	"log/slog"
	"path/filepath"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/privacy"
)

// recordingsDir is where call recordings go (see newCalls).
func recordingsDir(c *Config) string {
	if c.Recordings != "" {
		return c.Recordings
	}
	return filepath.Join(c.Data, "recordings")
}

// newPrivacy builds the data-protection service (erase, export) and, with
// --retention-every, the retention job that applies the queues' policies.
func newPrivacy(c *Config, store desk.PrivacyStore, blobs desk.BlobStore, logger *slog.Logger) (*privacy.Service, *privacy.Retention) {
	svc := &privacy.Service{Store: store, Blobs: blobs, RecordDir: recordingsDir(c), Logger: logger}
	if c.RetentionEvery <= 0 {
		return svc, nil
	}
	return svc, &privacy.Retention{Service: svc, Every: c.RetentionEvery, Clock: desk.SystemClock{}}
}
