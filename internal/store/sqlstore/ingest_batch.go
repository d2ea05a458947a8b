package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"runtime"
	"sync"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/trace"
	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// maxIngestBatch bounds how many writes share one transaction.
const maxIngestBatch = 128

// errClosed answers calls made while or after the store closes.
var errClosed = errors.New("sqlstore: store is closed")

// ingestBatcher is group commit: concurrent IngestMessage and CreateMessage
// calls (inbound messages, replies and notes) queue here
// and one goroutine writes whatever has queued in one transaction, so the
// commit (the WAL write and fsync and the locks around it, most of the cost
// of a small transaction) is shared. SQLite has one lane (it has one writer
// anyway); PostgreSQL several, which commit in parallel. Messages of one
// contact always take the same lane, so lanes rarely contend for a row.
// It never waits on a timer to fill a batch: a lone message is written at
// once, and batches grow while the writer is busy and, on a single writer,
// by the goroutines already running toward the queue (see gather). If any message of a batch
// fails, the batch is rolled back and each message is retried in its own
// transaction, so one bad message cannot fail or half-write its neighbours.
type ingestBatcher struct {
	s     *Conversations
	queue chan *ingestJob
	// gathers: a small batch yields the processor before it starts
	// (see gather); set where the database has a single writer.
	gathers bool
	stop    chan struct{}
	done    sync.WaitGroup
	once    sync.Once
}

// ingestJob is one queued write and, once done is closed, its outcome.
// inTx does the write inside the batch's transaction; alone does it in a
// transaction of its own (with the retries it needs) when the batch failed.
// Both record their results in the closures' variables. kick, if set,
// notes in the batch's transaction what the write made assignable (see
// assignInlineTx); after, if set, publishes the write's changes once it
// has committed, on the batcher's goroutine, before the batch's inline
// assignments and before the caller is answered.
type ingestJob struct {
	inTx  func(ctx context.Context, tx *sql.Tx) error
	alone func(ctx context.Context) error
	// single, if set, writes the job without a transaction of the
	// batcher's when it is alone in its batch (one statement, atomic by
	// itself); it returns false and no error, having written nothing,
	// when the job needs the transaction after all.
	single func(ctx context.Context) (bool, error)
	kick   func(k *assignKicks)
	after  func()
	// trace is the traceparent of the write's span: the batch's inline
	// assignment joins the trace of the first job that has one.
	trace string
	err   error
	done  chan struct{}
}

func newIngestBatcher(s *Conversations, gathers bool) *ingestBatcher {
	b := &ingestBatcher{s: s, queue: make(chan *ingestJob, maxIngestBatch), gathers: gathers, stop: make(chan struct{})}
	b.done.Add(1)
	go b.run()
	return b
}

// ingest queues one message and waits for its outcome. A caller that gives
// up (ctx done) after queueing gets ctx's error; its message may still be
// stored, which a retry with the same external ID then reports as a
// duplicate.
func (b *ingestBatcher) ingest(ctx context.Context, in *desk.InboundMessage, display string) (*desk.IngestResult, error) {
	var res *desk.IngestResult
	// threadMissed: the one-statement thread, run alone, found nothing to
	// thread to (a new customer's message); the batch's transaction then
	// goes straight to the usual path rather than ask the same again.
	var threadMissed bool
	tp := trace.Parent(ctx)
	job := &ingestJob{inTx: func(ctx context.Context, tx *sql.Tx) (err error) {
		res, err = b.s.ingestTx(ctx, tx, in, display, threadMissed)
		return err
	}, alone: func(ctx context.Context) (err error) {
		res, err = b.s.ingestAlone(ctx, in, display)
		return err
	}, single: func(ctx context.Context) (bool, error) {
		r, ran, err := b.s.ingestThreadAlone(ctx, in)
		if r != nil {
			res = r
		}
		threadMissed = ran && r == nil && err == nil
		return r != nil, err
	}, kick: func(k *assignKicks) {
		if res.NewConversation && res.Conversation.Bot == "" {
			k.waiting(res.Conversation.QueueID)
		}
	}, after: func() { b.s.publishIngest(res, tp) }, trace: tp}
	if err := b.queueJob(ctx, job); err != nil {
		return nil, err
	}
	return res, nil
}

// do queues one write and waits for its outcome; see ingest for what a
// caller that gives up gets.
func (b *ingestBatcher) do(ctx context.Context, inTx func(context.Context, *sql.Tx) error, alone func(context.Context) error) error {
	return b.queueJob(ctx, &ingestJob{inTx: inTx, alone: alone})
}

// queueJob queues job and waits for its outcome.
func (b *ingestBatcher) queueJob(ctx context.Context, job *ingestJob) error {
	job.done = make(chan struct{})
	select {
	case b.queue <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return errClosed
	}
	select {
	case <-job.done:
		return job.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops the writer goroutine after the batch in hand; queued jobs
// not yet taken are answered errClosed.
func (b *ingestBatcher) close() {
	b.once.Do(func() { close(b.stop) })
	b.done.Wait()
	for {
		select {
		case job := <-b.queue:
			job.err = errClosed
			close(job.done)
		default:
			return
		}
	}
}

func (b *ingestBatcher) run() {
	defer b.done.Done()
	batch := make([]*ingestJob, 0, maxIngestBatch)
	for {
		select {
		case job := <-b.queue:
			batch = append(batch[:0], job)
		case <-b.stop:
			return
		}
		batch = b.write(b.gather(b.take(batch)))
		for _, job := range batch {
			close(job.done)
		}
		clear(batch)
	}
}

// write stores a batch in one transaction, falling back to one transaction
// per message when any of them fails, and publishes what committed. Jobs
// that queued while the batch's statements ran join it before the commit
// (up to maxIngestBatch), so the commit, the log's write and the search
// index's turn are shared by more messages without waiting for any; it
// returns the batch so grown. Where inline assignment is on, the batch's
// transaction also assigns what its messages left waiting, and those
// assignments are published after the messages' own changes. Callers'
// contexts are not used: a caller giving up must not abort its
// neighbours' writes.
func (b *ingestBatcher) write(batch []*ingestJob) []*ingestJob {
	ctx := context.Background()
	if job := batch[0]; len(batch) == 1 && job.single != nil {
		done, err := job.single(ctx)
		switch {
		case err == nil && done:
			if job.after != nil {
				job.after()
			}
			return batch
		case err != nil && b.s.retryable(err):
			// Rolled back by the database (a concurrent write won a
			// unique key, a deadlock): alone, with its retries, as a
			// failed batch's write.
			if job.err = job.alone(ctx); job.err == nil && job.after != nil {
				job.after()
			}
			return batch
		case err != nil:
			// As the transaction would have failed; never run again
			// here: a lost answer may hide a committed statement.
			job.err = err
			return batch
		}
	}
	var assigned []desk.Change
	err := b.s.inTx(ctx, func(tx *sql.Tx) error {
		var k assignKicks
		for i := 0; i < len(batch); i++ {
			job := batch[i]
			if err := job.inTx(ctx, tx); err != nil {
				return err
			}
			if job.kick != nil {
				job.kick(&k)
			}
			if i == len(batch)-1 {
				batch = b.take(batch)
			}
		}
		actx := ctx
		for _, job := range batch {
			if job.trace != "" {
				var span oteltrace.Span
				actx, span = trace.StartFrom(ctx, job.trace, "assignment", oteltrace.WithAttributes(attribute.Bool("inline", true)))
				defer span.End()
				break
			}
		}
		var err error
		assigned, err = b.s.assignInlineTx(actx, tx, &k)
		if tp := trace.Parent(actx); tp != "" {
			for i := range assigned {
				assigned[i].Trace = tp
			}
		}
		return err
	})
	if err == nil {
		for _, job := range batch {
			if job.after != nil {
				job.after()
			}
		}
		b.s.publish(assigned...)
		return batch
	} else if len(batch) == 1 && !b.s.retryable(err) {
		batch[0].err = err
		return batch
	}
	for _, job := range batch {
		if job.err = job.alone(ctx); job.err == nil && job.after != nil {
			job.after()
		}
	}
	return batch
}

// gatherYields bounds how often gather yields for one batch.
const gatherYields = 4

// gather grows a batch before it starts with the writes that goroutines
// runnable now are about to queue (HTTP handlers between their request and
// IngestMessage): it yields the processor (runtime.Gosched), takes what
// queued meanwhile, and goes on while a yield brings more, twice at least,
// at most gatherYields times. Under 32 concurrent requests on 2 cores the
// writer otherwise started as soon as 2–3 messages had queued, and the
// commit's fixed costs (BEGIN and COMMIT, the log frames of the pages every
// message dirties: the message table's last page, its indexes' last pages,
// the database header) were shared by 2–3 messages; gathered, by ~15.
// It never waits on a timer: with nothing else runnable a yield returns at
// once, so a lone message is not delayed. Only a single writer gathers:
// where lanes commit in parallel (PostgreSQL) a lone message has its
// one-statement path instead.
func (b *ingestBatcher) gather(batch []*ingestJob) []*ingestJob {
	if !b.gathers {
		return batch
	}
	for i := 0; i < gatherYields && len(batch) < maxIngestBatch; i++ {
		n := len(batch)
		runtime.Gosched()
		if batch = b.take(batch); len(batch) == n && i > 0 {
			break
		}
	}
	return batch
}

// take appends to batch the jobs queued now, without waiting, up to
// maxIngestBatch.
func (b *ingestBatcher) take(batch []*ingestJob) []*ingestJob {
	for len(batch) < maxIngestBatch {
		select {
		case job := <-b.queue:
			batch = append(batch, job)
		default:
			return batch
		}
	}
	return batch
}

// laneOf picks the lane of a message by its sender contact.
func laneOf(in *desk.InboundMessage, lanes int) int { return laneOfContact(in.Channel, in.From, lanes) }

// laneOfContact picks the lane of a customer contact: inbound messages and
// replies of one contact share a lane, so lanes rarely contend for the
// conversation's row.
func laneOfContact(channel, address string, lanes int) int {
	if lanes == 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(channel))
	h.Write([]byte{0})
	h.Write([]byte(address))
	return int(h.Sum32() % uint32(lanes))
}
