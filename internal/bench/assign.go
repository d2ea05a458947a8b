package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
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
	// NoInline leaves all assignment to the Assigner even where the store
	// can assign inside the write (inline assignment), for comparison.
	NoInline bool
	// RunID, when set, makes the queue's name, the agents' e-mail
	// addresses and the customers' numbers this run's own, so a run can
	// start on a store that holds earlier data (bench growth).
	RunID string
	// CPU, when set, reads the CPU time of the process running the
	// store and the Assigner (this one); the drain's share is reported.
	CPU func() time.Duration
	// DBCPU, when set, reads the database server's CPU time spent for
	// this process (see PostgresCPU).
	DBCPU func() time.Duration
	// Progress, when set, is told the drain's figures as soon as the
	// drain ends (the freed phase after it is long on a large backlog).
	Progress io.Writer
	// DrainOnly ends the run after the drain (no freed-capacity phase).
	DrainOnly bool
}

// AssignResult is what a run measured. "Assigned" is when the change
// stream tells of the assignment, which the store does right after its
// commit; a "commit" is likewise when the change stream tells of the write
// that made the conversation waiting or freed the capacity.
type AssignResult struct {
	Inline      bool          // the store assigned inside the writes (inline assignment)
	Arrival     Latencies     // waiting (stamped in the arrival's transaction) → assigned, at Rate
	Committed   Latencies     // the arrival's commit → assigned: the assignment's own share
	Called      Latencies     // the arrival's IngestMessage call → assigned: what a caller sees
	Freed       Latencies     // capacity freed (the solve's commit) → next waiting assigned, at Rate
	FreedCalled Latencies     // the solve's UpdateConversation call → next assigned
	Drained     int           // backlog assigned in the drain phase
	DrainTime   time.Duration // from the first agent Available to the last assignment
	DrainCPU    time.Duration // CPU time over DrainTime (when AssignConfig.CPU is set)
	DrainDBCPU  time.Duration // the database server's over DrainTime (AssignConfig.DBCPU)
}

// Fprint writes a human-readable report.
func (r *AssignResult) Fprint(w io.Writer) {
	fmt.Fprintf(w, "inline assignment: %v\n", r.Inline)
	r.Arrival.Fprint(w, "waiting→assigned")
	r.Committed.Fprint(w, "  commit→assigned")
	r.Called.Fprint(w, "  call→assigned")
	r.Freed.Fprint(w, "freed→assigned (commit)")
	r.FreedCalled.Fprint(w, "  freed call→assigned")
	r.fprintDrain(w)
}

// fprintDrain writes the drain phase's figures.
func (r *AssignResult) fprintDrain(w io.Writer) {
	fmt.Fprintf(w, "drain: %d assignments in %.2f s = %.0f assignments/s\n", r.Drained, r.DrainTime.Seconds(),
		float64(r.Drained)/r.DrainTime.Seconds())
	if r.DrainCPU > 0 && r.Drained > 0 {
		fmt.Fprintf(w, "drain CPU (store and Assigner in this process): %.0f µs per assignment\n",
			float64(r.DrainCPU.Microseconds())/float64(r.Drained))
	}
	if r.DrainDBCPU > 0 && r.Drained > 0 {
		fmt.Fprintf(w, "drain CPU of the database server (this run's backends): %.0f µs per assignment\n",
			float64(r.DrainDBCPU.Microseconds())/float64(r.Drained))
	}
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
	// per agent, when a solve freeing its room was called and when it
	// committed, oldest first
	freedCall, freedCommit map[desk.ID][]time.Time
	freedSamples           [2][]time.Duration // from the commit, from the call
	// per arrival (while recording): when its ingest was called, when it
	// started waiting (in its transaction), when it committed and when it
	// was assigned; the change stream may tell of the last two before
	// the call returns
	calledAt, waitingAt, committedAt, assignedAt map[desk.ID]time.Time
	freedMode                                    bool
}

// AssignOpener opens the fresh store a run uses, telling its committed
// changes to changes and assigning inside its writes too if inline asks
// for it; it reports whether the store does that.
type AssignOpener func(ctx context.Context, changes desk.ChangeHandler, inline bool) (store desk.Store, inlineOn bool, err error)

// Assign runs three phases on a fresh store: (1) conversations arrive at
// Rate while agents have room — latency from waiting to assigned; (2) the
// agents go Busy, a backlog builds up to Conversations, then all become
// Available — drain throughput; (3) with every agent full and a backlog
// waiting, conversations are solved at Rate — latency from capacity freed
// to the next assignment. The Assigner is the server's own, in process.
func Assign(ctx context.Context, open AssignOpener, cfg AssignConfig) (*AssignResult, error) {
	// Wired as the server wires it (internal/app): the store tells the
	// Assigner, built on the store once open, through as.
	var as atomic.Pointer[routing.Assigner]
	var r *assignRun
	store, inline, err := open(ctx, func(chs []desk.Change) {
		if a := as.Load(); a != nil {
			a.HandleChanges(chs)
			r.onChanges(chs)
		}
	}, !cfg.NoInline)
	if err != nil {
		return nil, err
	}
	r = &assignRun{cfg: cfg, store: store, sys: desk.NewContextWithActor(ctx, desk.SystemActor),
		freedCall: map[desk.ID][]time.Time{}, freedCommit: map[desk.ID][]time.Time{},
		calledAt: map[desk.ID]time.Time{}, waitingAt: map[desk.ID]time.Time{}, committedAt: map[desk.ID]time.Time{}, assignedAt: map[desk.ID]time.Time{}}
	r.cond = sync.NewCond(&r.mu)
	if err := r.setup(); err != nil {
		return nil, err
	}
	assigner := routing.NewAssigner(store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	as.Store(assigner)
	defer as.Store(nil)
	res := &AssignResult{Inline: inline}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	go assigner.Run(actx)

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
	res.Arrival, res.Committed, res.Called = r.arrivalLatencies()

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
	var cpu0, db0 time.Duration
	if cfg.CPU != nil {
		cpu0 = cfg.CPU()
	}
	if cfg.DBCPU != nil {
		db0 = cfg.DBCPU()
	}
	start := time.Now()
	if err = r.setStatus(desk.StatusAvailable); err != nil {
		return nil, err
	}
	r.waitAssigned(cfg.Conversations)
	res.Drained, res.DrainTime = backlog, time.Since(start)
	if cfg.CPU != nil {
		res.DrainCPU = cfg.CPU() - cpu0
	}
	if cfg.DBCPU != nil {
		res.DrainDBCPU = cfg.DBCPU() - db0
	}
	stop()
	if cfg.Progress != nil {
		res.fprintDrain(cfg.Progress)
	}
	if cfg.DrainOnly {
		return res, nil
	}

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
		r.freedCall[*c.AssigneeID] = append(r.freedCall[*c.AssigneeID], time.Now())
		r.mu.Unlock()
		_, err := store.UpdateConversation(r.sys, c.ID, desk.ConversationUpdate{Status: &solved})
		return err
	}); err != nil {
		return nil, err
	}
	r.waitAssigned(cfg.Conversations + len(full))
	stop()
	r.mu.Lock()
	res.Freed, res.FreedCalled = Summarize(r.freedSamples[0]), Summarize(r.freedSamples[1])
	r.mu.Unlock()
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
	q := &desk.Queue{Name: "Bench" + r.suffix(" "), AutoAssign: true}
	if err := r.store.CreateQueue(r.sys, q); err != nil {
		return err
	}
	r.queue = q.ID
	for i := range r.cfg.Agents {
		a := &desk.Agent{Email: fmt.Sprintf("agent%04d%s@bench.example", i, r.suffix("-")), Role: desk.RoleAgent, Capacity: r.cfg.Capacity, QueueIDs: []desk.ID{q.ID}}
		if err := r.store.CreateAgent(r.sys, a); err != nil {
			return err
		}
		r.agents = append(r.agents, a.ID)
	}
	return nil
}

// suffix is sep and the run's ID, or nothing without one.
func (r *assignRun) suffix(sep string) string {
	if r.cfg.RunID == "" {
		return ""
	}
	return sep + r.cfg.RunID
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
	called := time.Now()
	from := fmt.Sprintf("+1888%07d", i)
	if r.cfg.RunID != "" {
		// An area code of this run's own: a customer of an earlier run
		// would thread into their open conversation instead of waiting.
		from = fmt.Sprintf("+1%03d%07d", 200+runHash(r.cfg.RunID)%700, i)
	}
	res, err := r.store.IngestMessage(r.sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from,
		To: "bench", Text: "hello", ExternalID: fmt.Sprint("assign-", r.cfg.RunID, i), QueueID: r.queue})
	if err != nil {
		return err
	}
	r.mu.Lock()
	if r.calledAt != nil {
		// A new conversation starts waiting when it is created.
		r.calledAt[res.Conversation.ID], r.waitingAt[res.Conversation.ID] = called, res.Conversation.CreatedAt
	}
	r.mu.Unlock()
	return nil
}

// arrivalLatencies summarizes the arrivals' time to assignment from when
// they started waiting, from their commit and from the call, and stops
// recording arrivals.
func (r *assignRun) arrivalLatencies() (waiting, committed, called Latencies) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var w, c, a []time.Duration
	for id, at := range r.assignedAt {
		if t, ok := r.waitingAt[id]; ok {
			w = append(w, at.Sub(t))
		}
		if t, ok := r.committedAt[id]; ok {
			c = append(c, at.Sub(t))
		}
		if t, ok := r.calledAt[id]; ok {
			a = append(a, at.Sub(t))
		}
	}
	r.calledAt, r.waitingAt, r.committedAt, r.assignedAt = nil, nil, nil, nil
	return Summarize(w), Summarize(c), Summarize(a)
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

// onChanges watches the store's change stream, as the real-time hub
// does: creations and freeing solves (their commits), and assignments.
func (r *assignRun) onChanges(changes []desk.Change) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ch := range changes {
		switch {
		case ch.Type == desk.ChangeConversationCreated && r.committedAt != nil:
			r.committedAt[ch.ConversationID] = now
		case ch.FreedAgentID != 0 && r.freedMode:
			r.freedCommit[ch.FreedAgentID] = append(r.freedCommit[ch.FreedAgentID], now)
		case ch.Type == desk.ChangeConversationAssigned:
			r.assigned++
			if r.assignedAt != nil {
				r.assignedAt[ch.ConversationID] = now
			}
			if !r.freedMode {
				continue
			}
			if q := r.freedCommit[ch.AgentID]; len(q) > 0 {
				r.freedSamples[0] = append(r.freedSamples[0], now.Sub(q[0]))
				r.freedCommit[ch.AgentID] = q[1:]
			}
			if q := r.freedCall[ch.AgentID]; len(q) > 0 {
				r.freedSamples[1] = append(r.freedSamples[1], now.Sub(q[0]))
				r.freedCall[ch.AgentID] = q[1:]
			}
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
