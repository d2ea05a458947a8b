package sla

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// AutoReplyStore is what the out-of-hours replier needs of the store.
type AutoReplyStore interface {
	FindOutOfHoursQueues(ctx context.Context) ([]desk.ID, error)
	LoadOutOfHours(ctx context.Context, queueID desk.ID) (*desk.OutOfHours, *desk.BusinessCalendar, error)
	SendOutOfHoursReply(ctx context.Context, convID desk.ID, until time.Time, o *desk.OutOfHours) (desk.ID, error)
}

// AutoReplier sends a queue's out-of-hours reply when a customer writes
// while the queue's calendar is closed: once per conversation per closed
// period (the store keys the reply by the period's end, the next opening,
// so a second message, or a second node, sends nothing). It reads the
// committed changes of this node (the node that stored the message) and
// never blocks the writer; it costs nothing for queues without an enabled
// reply (their set is read at start, on a queue update and every Interval).
type AutoReplier struct {
	Store    AutoReplyStore
	Clock    desk.Clock
	Log      *slog.Logger
	Interval time.Duration

	mu     sync.Mutex
	queues map[desk.ID]bool // nil until first read
	stale  bool
	jobs   chan autoReplyJob
}

type autoReplyJob struct{ conv, queue desk.ID }

// NewAutoReplier returns a replier; Run starts it.
func NewAutoReplier(s AutoReplyStore, clock desk.Clock, log *slog.Logger, interval time.Duration) *AutoReplier {
	return &AutoReplier{Store: s, Clock: clock, Log: log, Interval: interval, jobs: make(chan autoReplyJob, 1024)}
}

// HandleChanges queues customer messages of queues with a reply enabled.
func (r *AutoReplier) HandleChanges(changes []desk.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range changes {
		switch {
		case c.Type == desk.ChangeQueueUpdated:
			r.stale = true
		case c.Type == desk.ChangeSLARules:
			r.stale = true // a calendar came or went
		case c.Type == desk.ChangeMessageCreated && c.Direction == desk.DirectionIn && c.Kind == desk.KindMessage && !c.Bot:
			if r.queues != nil && !r.queues[c.QueueID] && !r.stale {
				continue
			}
			select {
			case r.jobs <- autoReplyJob{c.ConversationID, c.QueueID}:
			default:
				r.Log.Warn("out-of-hours reply: queue full, reply dropped", "conversation", c.ConversationID.String())
			}
		}
	}
}

// refresh reads the queues with an enabled reply.
func (r *AutoReplier) refresh(ctx context.Context) error {
	ids, err := r.Store.FindOutOfHoursQueues(ctx)
	if err != nil {
		return err
	}
	set := make(map[desk.ID]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	r.mu.Lock()
	r.queues, r.stale = set, false
	r.mu.Unlock()
	return nil
}

// Run sends replies until ctx ends.
func (r *AutoReplier) Run(ctx context.Context) {
	ctx = desk.NewContextWithActor(ctx, desk.SystemActor)
	if err := r.refresh(ctx); err != nil && ctx.Err() == nil {
		r.Log.Error("out-of-hours reply: reading queues", "err", err)
	}
	tick := time.NewTicker(r.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := r.refresh(ctx); err != nil && ctx.Err() == nil {
				r.Log.Error("out-of-hours reply: reading queues", "err", err)
			}
		case j := <-r.jobs:
			r.mu.Lock()
			stale := r.stale
			r.mu.Unlock()
			if stale {
				_ = r.refresh(ctx)
			}
			if _, err := r.Reply(ctx, j.conv, j.queue); err != nil && ctx.Err() == nil {
				r.Log.Error("out-of-hours reply", "conversation", j.conv.String(), "err", err)
			}
		}
	}
}

// Reply sends the queue's out-of-hours reply on the conversation if the
// queue's calendar is closed now and the conversation has not had it in
// this closed period. It returns the message sent, or 0.
func (r *AutoReplier) Reply(ctx context.Context, convID, queueID desk.ID) (desk.ID, error) {
	o, bc, err := r.Store.LoadOutOfHours(ctx, queueID)
	if err != nil || bc == nil || !o.Enabled {
		return 0, err
	}
	cal, err := Compile(bc)
	if err != nil {
		return 0, err
	}
	now := r.Clock.Now()
	if cal.Open(now) {
		return 0, nil
	}
	// The closed period ends at the next opening (zero: never opens).
	until, _ := cal.Add(now, 0)
	return r.Store.SendOutOfHoursReply(ctx, convID, until, o)
}
