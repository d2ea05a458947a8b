package app

import (
	"log/slog"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/presence"
	"github.com/switchboard-cc/switchboard/internal/routing"
	"github.com/switchboard-cc/switchboard/internal/store/sqlstore"
)

// slaSweepInterval is how often a node looks for SLA targets falling due.
const slaSweepInterval = 10 * time.Second

// newRouting builds routing on the store: the router (B2) and the
// automatic assigner (B3), and the one handler of the store's changes,
// which tells them, then the extra handlers (the real-time hub, the bots).
// The assigner and the inactivity sweeper run from App.Start.
func newRouting(store *sqlstore.Store, log *slog.Logger, extra ...desk.ChangeHandler) (*routing.Router, *routing.Assigner, *presence.Sweeper, desk.ChangeHandler) {
	router, assigner := routing.NewRouter(store), routing.NewAssigner(store, log)
	handle := desk.ChangeHandlers(append([]desk.ChangeHandler{router.HandleChanges, assigner.HandleChanges}, extra...)...)
	if store.InlineAssign() {
		log.Info("automatic assignment also runs inside the writes that free work")
	}
	sweeper := &presence.Sweeper{Store: store.Conversations, Log: log, Timeout: desk.InactivityTimeout, Interval: 5 * time.Second}
	return router, assigner, sweeper, handle
}
