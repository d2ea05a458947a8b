// Package presence keeps agents' presence honest: the inactivity sweeper
// sets Offline the Available agents whose clients went silent (A5).
package presence

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// expirer is what the sweeper needs of the store.
type expirer interface {
	ExpireInactiveAgents(ctx context.Context, timeout time.Duration) ([]desk.ID, error)
}

// Sweeper checks for inactive agents every Interval. The store dates each
// Offline to when the agent's timeout ran out, so the interval affects only
// how soon routing stops offering them work, not the utilization figures.
type Sweeper struct {
	Store    expirer
	Log      *slog.Logger
	Timeout  time.Duration
	Interval time.Duration
}

// Run sweeps until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ids, err := s.Store.ExpireInactiveAgents(desk.NewContextWithActor(ctx, desk.SystemActor), s.Timeout)
			if err != nil && ctx.Err() == nil {
				s.Log.Error("presence: expire inactive agents", "err", err)
			} else if len(ids) > 0 {
				s.Log.Info("presence: inactive agents set offline", "agents", len(ids))
			}
		}
	}
}
