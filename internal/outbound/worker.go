package outbound

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// WorkerConfig tunes the send workers; zero fields take the defaults.
type WorkerConfig struct {
	Senders      int           // concurrent sends (default 64); also the bound of sends in doubt after a crash
	Batch        int           // jobs claimed at once (default 64)
	Lease        time.Duration // how long a claim holds a job (default 30 s)
	Poll         time.Duration // claim interval without notifications (default 1 s)
	SendTimeout  time.Duration // one provider call (default 10 s)
	MaxAttempts  int           // then the message fails (default 8)
	BaseBackoff  time.Duration // first retry delay, doubled each time (default 1 s)
	MaxBackoff   time.Duration // cap of the delay (default 5 min)
	AdapterCache time.Duration // how long a channel's adapter is reused (default 5 s)
	Media        MediaPreparer // readies messages' stored files before each attempt (nil: none)
	// Failed, when set, gets the failed-reply rule (ReplyFailed) applied
	// to each reply that fails for good, once its failure is recorded.
	Failed FailedReplyStore
}

func (c *WorkerConfig) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Senders <= 0 {
		c.Senders = 64
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	def(&c.Lease, 30*time.Second)
	def(&c.Poll, time.Second)
	def(&c.SendTimeout, 10*time.Second)
	def(&c.BaseBackoff, time.Second)
	def(&c.MaxBackoff, 5*time.Minute)
	def(&c.AdapterCache, 5*time.Second)
	if c.SendTimeout >= c.Lease {
		// A send must end before its lease, or another worker may take the
		// job while it is still in flight.
		c.SendTimeout = c.Lease / 2
	}
}

// Worker delivers the outbox: it claims due jobs, sends each through its
// channel's adapter with the job's idempotency key, and records outcomes in
// batches. Notify wakes it after a commit, so a reply leaves at once
// instead of at the next poll; polling covers other nodes' commits and
// jobs left behind by a crash (claimed again when their lease ends).
type Worker struct {
	store    desk.ChannelStore
	adapters Adapters
	clock    desk.Clock
	log      *slog.Logger
	cfg      WorkerConfig
	wake     chan struct{}
	// due says jobs may be waiting in the outbox for a claim: a commit
	// could not hand its job over (Notify), or a claim came back full.
	// Finished sends wake the claim loop only then, so a burst of directly
	// dispatched replies does not cost a claim transaction per batch.
	due atomic.Bool
	// jobs feeds the senders; slots bounds claimed-but-unfinished jobs (a
	// claim or a reservation takes one, a recorded outcome frees it), so
	// jobs never blocks a holder of a slot and a claim never takes more
	// than the senders can start before the lease runs down.
	jobs  chan *desk.SendJob
	slots chan struct{}

	// media prepares the files of a message before each attempt; nil
	// sends attachments as they are.
	media MediaPreparer

	mu       sync.Mutex
	stopping bool // set when Run ends: no more dispatches
	cache    map[desk.ID]cachedAdapter
}

var _ desk.SendDispatcher = (*Worker)(nil)

type cachedAdapter struct {
	ch  desk.Channel
	err error
	at  time.Time
}

// MediaPreparer readies a message's stored files for its adapter (public
// links, a way to open the bytes): see attach.Outbound.
type MediaPreparer interface {
	PrepareMedia(ctx context.Context, m *desk.OutboundMessage)
}

// NewWorker returns a worker; Run starts it.
func NewWorker(store desk.ChannelStore, adapters Adapters, clock desk.Clock, log *slog.Logger, cfg WorkerConfig) *Worker {
	cfg.defaults()
	if clock == nil {
		clock = desk.SystemClock{}
	}
	if log == nil {
		log = slog.Default()
	}
	n := cfg.Senders + cfg.Batch
	return &Worker{store: store, adapters: adapters, clock: clock, log: log, cfg: cfg, media: cfg.Media, wake: make(chan struct{}, 1),
		jobs: make(chan *desk.SendJob, n), slots: make(chan struct{}, n), cache: map[desk.ID]cachedAdapter{}}
}

// Reserve takes a place for a job the store is about to commit already
// leased to this worker; false when every place is taken or the worker is
// stopping (desk.SendDispatcher).
func (w *Worker) Reserve() (time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopping {
		return 0, false
	}
	select {
	case w.slots <- struct{}{}:
		return w.cfg.Lease, true
	default:
		return 0, false
	}
}

// Release gives back a reserved place whose transaction failed.
func (w *Worker) Release() { <-w.slots }

// Dispatch hands a committed, leased job to the senders; it never blocks.
// After Run has ended the job stays in the outbox, claimed again when its
// lease ends.
func (w *Worker) Dispatch(j *desk.SendJob) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopping {
		<-w.slots
		return
	}
	w.jobs <- j
}

// Notify tells the worker new jobs are committed; it never blocks.
func (w *Worker) Notify() {
	w.due.Store(true)
	w.wake1()
}

// wake1 wakes the claim loop without marking jobs due.
func (w *Worker) wake1() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends, then finishes the sends in hand, records their
// outcomes and returns. Jobs not yet claimed stay in the outbox.
//
// Each sender marks its job as being sent, and waits for that mark to be
// committed, before the provider call; its outcome is recorded with the
// sender's next mark (one transaction) or alone before the sender waits
// for more work. So at any moment at most Senders jobs are
// marked and unfinished: after a crash only those can have reached the
// provider already, and only those are flagged as maybe sent twice when
// they are claimed again (desk.OutboxService).
func (w *Worker) Run(ctx context.Context) {
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	jobs, slots := w.jobs, w.slots
	journal := make(chan journalEntry, cap(slots)+w.cfg.Senders)
	var senders sync.WaitGroup
	for i := 0; i < w.cfg.Senders; i++ {
		senders.Add(1)
		go func() {
			defer senders.Done()
			marked := make(chan error, 1)
			// prev is the outcome not yet handed to the journal: it goes
			// in the same entry (the same transaction) as this sender's
			// next mark, or alone when no job is waiting.
			var prev *desk.SendOutcome
			for {
				var j *desk.SendJob
				var ok bool
				if prev != nil {
					select {
					case j, ok = <-jobs:
					default:
						journal <- journalEntry{outcome: prev}
						prev = nil
						j, ok = <-jobs
					}
				} else {
					j, ok = <-jobs
				}
				if !ok {
					if prev != nil {
						journal <- journalEntry{outcome: prev}
					}
					return
				}
				journal <- journalEntry{outcome: prev, mark: desk.SendMark{JobID: j.ID, MessageID: j.MessageID, Lease: j.Lease,
					Until: w.clock.Now().Add(w.cfg.Lease), InDoubt: j.InDoubt}, marked: marked}
				prev = nil
				if err := <-marked; err != nil {
					// Not marked: not sent. A job whose lease ran out while
					// it waited here was claimed again (and is sent by that
					// claim); otherwise it is retried after its lease.
					if err != errLeaseLost {
						w.log.Error("outbox: marking a send failed; retried after its lease", "message_id", j.MessageID.String(), "err", err)
					}
					journal <- journalEntry{unsent: true}
					continue
				}
				o := w.send(sys, j)
				prev = &o
			}
		}()
	}
	// Several journal writers, so marks need not wait for the previous
	// journal transaction to end (the store groups concurrent ones into
	// shared commits); each entry carries a sender's outcome with its next
	// mark, so order between writers does not matter.
	var writers sync.WaitGroup
	for i := 0; i < max(1, w.cfg.Senders/8); i++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			w.journal(sys, journal, slots)
		}()
	}
	finished := make(chan struct{})
	go func() {
		writers.Wait()
		close(finished)
	}()

	w.claimLoop(ctx, sys, jobs, slots)
	w.mu.Lock()
	w.stopping = true
	close(jobs)
	w.mu.Unlock()
	senders.Wait()
	close(journal)
	<-finished
}

// errLeaseLost answers a mark whose claim no longer holds its job.
var errLeaseLost = errors.New("outbox: the job's lease ended and it was claimed again")

// journalEntry is a sender's request to the journal: mark a job as being
// sent (answered on marked once committed) together with the outcome of
// the sender's previous job, record an outcome alone, or give back the
// place of a job left unsent.
type journalEntry struct {
	mark    desk.SendMark
	marked  chan error
	outcome *desk.SendOutcome
	unsent  bool
}

// claimLoop claims while there are due jobs and free slots, then waits for
// a notification, a freed slot or the poll interval.
func (w *Worker) claimLoop(ctx, sys context.Context, jobs chan<- *desk.SendJob, slots chan struct{}) {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	for {
		free := cap(slots) - len(slots)
		if n := min(free, w.cfg.Batch); n > 0 && ctx.Err() == nil {
			w.due.Store(false)
			claimed, err := w.store.ClaimSendJobs(sys, n, w.cfg.Lease)
			if err != nil {
				w.log.Error("outbox claim failed", "err", err)
			}
			for _, j := range claimed {
				slots <- struct{}{}
				jobs <- j
			}
			if len(claimed) == n {
				w.due.Store(true)
				continue // maybe more are due
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// journal records marks and outcomes in batches: whatever has arrived
// while the last batch was written goes in the next transaction, in the
// order the senders sent it.
func (w *Worker) journal(sys context.Context, entries <-chan journalEntry, slots chan struct{}) {
	var marks []desk.SendMark
	var waiting []chan error
	outcomes := make([]desk.SendOutcome, 0, 256)
	for e := range entries {
		marks, waiting, outcomes = marks[:0], waiting[:0], outcomes[:0]
		freed := 0
		add := func(e journalEntry) {
			if e.marked != nil {
				marks, waiting = append(marks, e.mark), append(waiting, e.marked)
			}
			if e.outcome != nil {
				outcomes = append(outcomes, *e.outcome)
				freed++
			}
			if e.unsent {
				freed++
			}
		}
		add(e)
	fill:
		for len(outcomes)+len(marks) < 256 {
			select {
			case e, ok := <-entries:
				if !ok {
					break fill
				}
				add(e)
			default:
				break fill
			}
		}
		var err error
		if len(marks) > 0 || len(outcomes) > 0 {
			err = w.store.JournalSendJobs(sys, marks, outcomes)
		}
		if err != nil {
			// The finished jobs stay claimed until their lease ends, then
			// are sent again (flagged as maybe sent twice, their marks
			// being set) with the same idempotency keys.
			w.log.Error("outbox journal failed", "marks", len(marks), "outcomes", len(outcomes), "err", err)
		} else if w.cfg.Failed != nil {
			for _, o := range outcomes {
				if o.Result != desk.SendFailed {
					continue
				}
				if _, err := ReplyFailed(sys, w.cfg.Failed, o.MessageID); err != nil {
					w.log.Warn("failed reply: reopening its conversation", "message_id", o.MessageID.String(), "err", err)
				}
			}
		}
		for i, c := range waiting {
			switch {
			case err != nil:
				c <- err
			case !marks[i].Held:
				c <- errLeaseLost
			default:
				c <- nil
			}
		}
		for range freed {
			<-slots
		}
		if w.due.Load() {
			w.wake1() // places are free for jobs waiting in the outbox
		}
	}
}
