package report

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// FactStore is what the recorder needs of the store.
type FactStore interface {
	RefreshReportFacts(ctx context.Context, conversationIDs []desk.ID) error
	FindConversationsWithoutReportFact(ctx context.Context, afterID desk.ID, limit int) ([]desk.ID, error)
	RollUpReportFacts(ctx context.Context, limit int) (int, error)
}

// flushBatch is how many conversations one transaction refreshes.
const flushBatch = 100

// rollUpBatch is how many facts one transaction of the backfill adds to
// the rollups: facts of neighbouring conversations share most cells, so
// a larger batch writes fewer cells per fact, while one transaction
// still holds the writer briefly.
const rollUpBatch = 5000

// coalesce is how long the recorder lets changes gather before it
// refreshes the conversations they touched.
const coalesce = 2 * time.Second

// Recorder keeps report facts up to date: every committed change of a
// conversation marks it, and the recorder recomputes its fact in the
// background, once per burst of changes. Reports then read facts only.
type Recorder struct {
	store FactStore
	log   *slog.Logger

	mu    sync.Mutex
	dirty map[desk.ID]bool
	wake  chan struct{}
}

// NewRecorder returns a recorder over the store.
func NewRecorder(s FactStore, log *slog.Logger) *Recorder {
	return &Recorder{store: s, log: log, dirty: map[desk.ID]bool{}, wake: make(chan struct{}, 1)}
}

// HandleChanges marks changed conversations; it never blocks. A
// customer's message changes nothing a fact holds (agent replies, the
// timeline's solves, reopens and assignments, the SLA status, the survey)
// unless it reopened the conversation, so it marks nothing: at ingest
// rates that was a re-read of every busy conversation every window. A
// change of SLA status it causes is marked by the SLA tracker (OnSaved).
func (r *Recorder) HandleChanges(changes []desk.Change) {
	ids := make([]desk.ID, 0, len(changes))
	for _, c := range changes {
		if c.ConversationID == 0 || (c.Type == desk.ChangeMessageCreated && c.Direction == desk.DirectionIn && !c.Reopened) {
			continue
		}
		ids = append(ids, c.ConversationID)
	}
	r.Mark(ids...)
}

// Mark marks conversations for refreshing; it never blocks.
func (r *Recorder) Mark(ids ...desk.ID) {
	r.mu.Lock()
	for _, id := range ids {
		r.dirty[id] = true
	}
	r.mu.Unlock()
	if len(ids) > 0 {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// Run refreshes marked conversations until ctx ends.
func (r *Recorder) Run(ctx context.Context) {
	ctx = desk.NewContextWithActor(ctx, desk.SystemActor)
	if err := r.Backfill(ctx); err != nil && ctx.Err() == nil {
		r.log.Error("report: backfill facts", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		// Let a burst of changes gather, so a busy conversation is
		// refreshed once per window rather than once per message.
		select {
		case <-ctx.Done():
			return
		case <-time.After(coalesce):
		}
		if err := r.Flush(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("report: refresh facts", "err", err)
		}
	}
}

// Flush refreshes the facts of every marked conversation now.
func (r *Recorder) Flush(ctx context.Context) error {
	r.mu.Lock()
	ids := make([]desk.ID, 0, len(r.dirty))
	for id := range r.dirty {
		ids = append(ids, id)
	}
	clear(r.dirty)
	r.mu.Unlock()
	for i := 0; i < len(ids); i += flushBatch {
		if err := r.store.RefreshReportFacts(ctx, ids[i:min(i+flushBatch, len(ids))]); err != nil {
			// Keep the rest marked for the next round.
			r.mu.Lock()
			for _, rest := range ids[i:] {
				r.dirty[rest] = true
			}
			r.mu.Unlock()
			return err
		}
	}
	return nil
}

// Backfill records the facts of conversations that have none (from
// before reports existed, or missed while a node stopped), a page at a
// time, then adds facts from before rollups existed to the rollups.
// Every node runs it at start; both steps are idempotent.
func (r *Recorder) Backfill(ctx context.Context) error {
	err := desk.EachIDPage(200, func(after desk.ID, n int) ([]desk.ID, error) {
		return r.store.FindConversationsWithoutReportFact(ctx, after, n)
	}, func(ids []desk.ID) error { return r.store.RefreshReportFacts(ctx, ids) })
	for err == nil {
		var n int
		if n, err = r.store.RollUpReportFacts(ctx, rollUpBatch); n == 0 {
			break
		}
	}
	return err
}
