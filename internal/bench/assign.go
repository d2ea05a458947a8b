package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/routing"
)

// AssignConfig configures the automatic-assignment benchmark (B3).
type AssignConfig struct {
	Agents        int           // agents in the queue, all of one capacity
	Conversations int           // conversations in all
	Capacity      int           // each agent's capacity
	Rate          int           // arrivals and solves per second in the latency phases
	Duration      time.Duration // length of each latency phase
	Writers       int           // goroutines creating the backlog
	// CPUProfile, if set, is a file name prefix: each phase's CPU profile
	// goes to CPUProfile+".arrival", ".drain" and ".freed".
	CPUProfile string
}

// AssignResult is what a run measured.
type AssignResult struct {
	Arrival   Latencies     // conversation waiting → assigned, at Rate
	Committed Latencies     // the same from the arrival's commit: the assigner's share
	Freed     Latencies     // capacity freed (solve) → next waiting assigned, at Rate
	Drained   int           // backlog assigned in the drain phase
	DrainTime time.Duration // from the first agent Available to the last assignment
}

// Fprint writes a human-readable report.
func (r *AssignResult) Fprint(w io.Writer) {
	r.Arrival.Fprint(w, "waiting→assigned")
	r.Committed.Fprint(w, "  of which commit→assigned")
	r.Freed.Fprint(w, "freed→assigned")
	fmt.Fprintf(w, "drain: %d assignments in %.2f s = %.0f assignments/s\n", r.Drained, r.DrainTime.Seconds(),
		float64(r.Drained)/r.DrainTime.Seconds())
}

// assignRun holds one benchmark's state.
type assignRun struct {
	cfg    AssignConfig
	store  desk.Store
	sys    context.Context
	queue  desk.ID
	agents []desk.ID

	mu       sync.Mutex
	assigned int
	cond     *sync.Cond
	samples  []time.Duration
	freedAt  map[desk.ID][]time.Time // per agent, when its room was freed
	// per arrival, when its ingest returned (committed) and when it was
	// assigned (either may come first)
	committedAt, assignedAt map[desk.ID]time.Time
	freedMode               bool
}

// Assign runs three phases on a fresh store: (1) conversations arrive at
// Rate while agents have room — latency from waiting to assigned; (2) the
// agents go Busy, a backlog builds up to Conversations, then all become
// Available — drain throughput; (3) with every agent full and a backlog
// waiting, conversations are solved at Rate — latency from capacity freed
// to the next assignment. The Assigner is the server's own, in process.
func Assign(ctx context.Context, store desk.Store, cfg AssignConfig) (*AssignResult, error) {
	r := &assignRun{cfg: cfg, store: store, sys: desk.NewContextWithActor(ctx, desk.SystemActor), freedAt: map[desk.ID][]time.Time{},
		committedAt: map[desk.ID]time.Time{}, assignedAt: map[desk.ID]time.Time{}}
	r.cond = sync.NewCond(&r.mu)
	if err := r.setup(); err != nil {
		return nil, err
	}
	as := routing.NewAssigner(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	as.OnAssign = r.onAssign
	store.SetChangeHandler(as.HandleChanges)
	defer store.SetChangeHandler(nil)
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	go as.Run(actx)

	res := &AssignResult{}
	var err error
	if err = r.setStatus(desk.StatusAvailable); err != nil {
		return nil, err
	}
	arrivals := cfg.Rate * int(cfg.Duration/time.Second)
	stop, err := r.profile("arrival")
	if err != nil {
		return nil, err
	}
	if err = r.paced(arrivals, func(i int) error { return r.ingest(i) }); err != nil {
		return nil, err
	}
	r.waitAssigned(arrivals)
	stop()
	res.Arrival = r.takeSamples()
	res.Committed = r.commitToAssign()

	// Drain: a backlog up to Conversations, then everyone Available.
	if err = r.setStatus(desk.StatusBusy); err != nil {
		return nil, err
	}
	backlog := cfg.Conversations - arrivals
	if err = r.parallel(arrivals, cfg.Conversations); err != nil {
		return nil, err
	}
	if stop, err = r.profile("drain"); err != nil {
		return nil, err
	}
	start := time.Now()
	if err = r.setStatus(desk.StatusAvailable); err != nil {
		return nil, err
	}
	r.waitAssigned(cfg.Conversations)
	res.Drained, res.DrainTime = backlog, time.Since(start)
	stop()
	r.takeSamples()

	// Freed: everyone is full (Conversations = Agents × Capacity); a
	// backlog waits; solving one conversation lets the next in.
	extra := arrivals
	if err = r.parallel(cfg.Conversations, cfg.Conversations+extra); err != nil {
		return nil, err
	}
	full, err := r.assignedConversations(extra)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.freedMode = true
	r.mu.Unlock()
	solved := desk.ConversationSolved
	if stop, err = r.profile("freed"); err != nil {
		return nil, err
	}
	if err = r.paced(len(full), func(i int) error {
		c := full[i]
		r.mu.Lock()
		r.freedAt[*c.AssigneeID] = append(r.freedAt[*c.AssigneeID], time.Now())
		r.mu.Unlock()
		_, err := store.UpdateConversation(r.sys, c.ID, desk.ConversationUpdate{Status: &solved})
		return err
	}); err != nil {
		return nil, err
	}
	r.waitAssigned(cfg.Conversations + len(full))
	stop()
	res.Freed = r.takeSamples()
	return res, nil
}

// profile starts a CPU profile of one phase when asked to; the returned
// func stops it.
func (r *assignRun) profile(phase string) (func(), error) {
	if r.cfg.CPUProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(r.cfg.CPUProfile + "." + phase)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func (r *assignRun) setup() error {
	q := &desk.Queue{Name: "Bench", AutoAssign: true}
	if err := r.store.CreateQueue(r.sys, q); err != nil {
		return err
	}
	r.queue = q.ID
	for i := range r.cfg.Agents {
		a := &desk.Agent{Email: fmt.Sprintf("agent%04d@bench.example", i), Role: desk.RoleAgent, Capacity: r.cfg.Capacity, QueueIDs: []desk.ID{q.ID}}
		if err := r.store.CreateAgent(r.sys, a); err != nil {
			return err
		}
		r.agents = append(r.agents, a.ID)
	}
	return nil
}

func (r *assignRun) setStatus(status string) error {
	for _, id := range r.agents {
		if _, err := r.store.SetAgentStatus(r.sys, id, status); err != nil {
			return err
		}
	}
	return nil
}

func (r *assignRun) ingest(i int) error {
	res, err := r.store.IngestMessage(r.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: fmt.Sprintf("+1888%07d", i),
		To: "bench", Text: "hello", ExternalID: fmt.Sprint("assign-", i), QueueID: r.queue})
	if err != nil {
		return err
	}
	now := time.Now()
	r.mu.Lock()
	if r.committedAt != nil {
		r.committedAt[res.Conversation.ID] = now
	}
	r.mu.Unlock()
	return nil
}

// commitToAssign summarizes, for the arrivals, the time from the return of
// their ingest (its commit) to their assignment, 0 when the assignment was
// seen first, and stops recording them.
func (r *assignRun) commitToAssign() Latencies {
	r.mu.Lock()
	defer r.mu.Unlock()
	var samples []time.Duration
	for id, at := range r.assignedAt {
		if c, ok := r.committedAt[id]; ok {
			samples = append(samples, max(0, at.Sub(c)))
		}
	}
	r.committedAt, r.assignedAt = nil, nil
	return Summarize(samples)
}

// paced runs fn(0..n-1) at cfg.Rate per second.
func (r *assignRun) paced(n int, fn func(i int) error) error {
	interval := time.Second / time.Duration(r.cfg.Rate)
	next := time.Now()
	for i := range n {
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		next = next.Add(interval)
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

// parallel ingests conversations [from, to) from cfg.Writers goroutines.
func (r *assignRun) parallel(from, to int) error {
	var wg sync.WaitGroup
	errs := make(chan error, r.cfg.Writers)
	for w := range r.cfg.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + w; i < to; i += r.cfg.Writers {
				if err := r.ingest(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (r *assignRun) onAssign(a desk.Assignment) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.assigned++
	if r.freedMode {
		if q := r.freedAt[a.AgentID]; len(q) > 0 {
			r.samples = append(r.samples, now.Sub(q[0]))
			r.freedAt[a.AgentID] = q[1:]
		}
	} else {
		r.samples = append(r.samples, now.Sub(a.WaitingSince))
		if r.assignedAt != nil {
			r.assignedAt[a.ConversationID] = now
		}
	}
	r.cond.Broadcast()
}

func (r *assignRun) waitAssigned(n int) {
	r.mu.Lock()
	for r.assigned < n {
		r.cond.Wait()
	}
	r.mu.Unlock()
}

func (r *assignRun) takeSamples() Latencies {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := Summarize(r.samples)
	r.samples = nil
	return l
}

// assignedConversations returns n open conversations with an assignee.
func (r *assignRun) assignedConversations(n int) ([]*desk.Conversation, error) {
	var out []*desk.Conversation
	f := desk.ConversationFilter{View: desk.ViewAll, QueueID: &r.queue, Limit: 200}
	for len(out) < n {
		page, next, err := r.store.FindConversations(r.sys, f)
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			if c.AssigneeID != nil && len(out) < n {
				out = append(out, c)
			}
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out, nil
}
