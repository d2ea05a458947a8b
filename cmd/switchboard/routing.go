package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/presence"
	"github.com/switchboard-cc/switchboard/internal/routing"
)

// workers are the background parts of a node: automatic assignment and
// the inactivity sweeper. stop ends them and waits.
type workers struct {
	router   *routing.Router
	assigner *routing.Assigner
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// startWorkers wires routing to the store's changes and starts the
// background loops. Extra change handlers (the real-time hub) come after.
func startWorkers(ctx context.Context, store desk.Store, log *slog.Logger, extra ...desk.ChangeHandler) *workers {
	ctx, cancel := context.WithCancel(ctx)
	w := &workers{router: routing.NewRouter(store), assigner: routing.NewAssigner(store, log), cancel: cancel}
	store.SetChangeHandler(desk.ChangeHandlers(append([]desk.ChangeHandler{w.router.HandleChanges, w.assigner.HandleChanges}, extra...)...))
	if ia, ok := store.(desk.InlineAssigner); ok && ia.SetInlineAssign(true) {
		log.Info("automatic assignment also runs inside the writes that free work")
	}
	sweeper := &presence.Sweeper{Store: store, Log: log, Timeout: desk.InactivityTimeout, Interval: 5 * time.Second}
	w.wg.Add(2)
	go func() { defer w.wg.Done(); w.assigner.Run(ctx) }()
	go func() { defer w.wg.Done(); sweeper.Run(ctx) }()
	return w
}

func (w *workers) stop() {
	w.cancel()
	w.wg.Wait()
}
