package privacy

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Retention applies the queues' retention policies every Every.
type Retention struct {
	Service *Service
	Every   time.Duration
	Clock   desk.Clock
	// Done, if set, is told of each run's outcome (tests).
	Done func(*desk.RetentionResult, error)
}

// Run applies the policies at once and then every Every until ctx ends.
// Several nodes may run it: each batch deletes what is still due, so two
// runs at once delete each conversation once.
func (r *Retention) Run(ctx context.Context) {
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	tick := time.NewTicker(r.Every)
	defer tick.Stop()
	for {
		res, err := r.Apply(sys)
		if r.Done != nil {
			r.Done(res, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Apply deletes what is due now and its files.
func (r *Retention) Apply(ctx context.Context) (*desk.RetentionResult, error) {
	s := r.Service
	res, err := s.Store.ApplyRetention(ctx, r.Clock.Now(), false)
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Error("retention", "err", err)
		}
		return nil, err
	}
	s.removeFiles(ctx, res.BlobKeys, res.Recordings)
	if res.Conversations > 0 || res.Files > 0 {
		s.Logger.Info("retention: deleted what the queues' policies say is due", "conversations", res.Conversations, "files", res.Files)
	}
	return res, nil
}
