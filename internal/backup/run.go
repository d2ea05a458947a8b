package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Make writes a backup of src to the target under name (Name(now) when
// empty), through a temporary file next to the data folder's database.
func Make(ctx context.Context, src Source, t Target, name string) (string, *Manifest, error) {
	if name == "" {
		name = Name(time.Now())
	}
	f, err := os.CreateTemp(src.Data, ".backup-archive-")
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(f.Name())
	m, err := Write(ctx, f, src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", nil, err
	}
	if err := t.Put(ctx, name, f.Name()); err != nil {
		return "", nil, fmt.Errorf("store backup in %s: %w", t, err)
	}
	return name, m, nil
}

// Prune deletes all but the newest keep backups of the target (by name,
// which sorts by time); keep < 1 keeps all.
func Prune(ctx context.Context, t Target, keep int) ([]string, error) {
	if keep < 1 {
		return nil, nil
	}
	names, err := t.List(ctx)
	if err != nil {
		return nil, err
	}
	var gone []string
	for len(names) > keep {
		if err := t.Remove(ctx, names[0]); err != nil {
			return gone, err
		}
		gone = append(gone, names[0])
		names = names[1:]
	}
	return gone, nil
}

// Schedule makes a backup every Every and keeps the newest Keep.
type Schedule struct {
	Every  time.Duration
	Keep   int
	Source Source
	Target Target
	Logger *slog.Logger
	// Done, if set, is told of each scheduled backup's outcome (tests).
	Done func(name string, err error)
}

// Run makes backups until ctx ends. A failed backup is logged and tried
// again at the next tick.
func (s *Schedule) Run(ctx context.Context) {
	tick := time.NewTicker(s.Every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		start := time.Now()
		name, m, err := Make(ctx, s.Source, s.Target, "")
		if err == nil {
			var gone []string
			gone, err = Prune(ctx, s.Target, s.Keep)
			if len(gone) > 0 {
				s.Logger.Info("old backups removed", "target", s.Target.String(), "names", gone)
			}
		}
		if err != nil && ctx.Err() != nil {
			return // stopped mid-backup: not a failure
		}
		if err != nil {
			s.Logger.Error("scheduled backup failed", "target", s.Target.String(), "err", err)
		} else {
			s.Logger.Info("backup made", "target", s.Target.String(), "name", name,
				"files", m.Files, "bytes", m.Bytes, "took", time.Since(start).Round(time.Millisecond).String())
		}
		if s.Done != nil {
			s.Done(name, err)
		}
	}
}
