package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/privacy"
)

// recordingsDir is where call recordings go (see startCalls).
func recordingsDir(c *Config) string {
	if c.Recordings != "" {
		return c.Recordings
	}
	return filepath.Join(c.Data, "recordings")
}

// startPrivacy builds the data-protection service and runs the retention
// job every --retention-every (0: never) until ctx ends; the returned
// function waits for the job to stop.
func startPrivacy(ctx context.Context, c *Config, store desk.Store, blobs desk.BlobStore, logger *slog.Logger) (*privacy.Service, func()) {
	ps, ok := store.(desk.PrivacyStore)
	if !ok {
		return nil, func() {}
	}
	svc := &privacy.Service{Store: ps, Blobs: blobs, RecordDir: recordingsDir(c), Logger: logger}
	if c.RetentionEvery <= 0 {
		return svc, func() {}
	}
	r := &privacy.Retention{Service: svc, Every: c.RetentionEvery, Clock: desk.SystemClock{}}
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	return svc, func() { <-done }
}
