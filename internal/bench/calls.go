package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/switchboard-cc/switchboard/internal/media"
)

// CallsConfig tunes the calls benchmark.
type CallsConfig struct {
	// Calls is how many concurrent bridged calls to hold.
	Calls int
	// Rate is how many calls are set up per second while ramping up.
	Rate int
	// Duration is the measured period once every call is up.
	Duration time.Duration
	// Record records every call as in production.
	Record bool
	// SIPCustomers makes each customer a plain RTP caller, as calls from
	// the SIP trunk are (no ICE, DTLS nor SRTP on that leg); the agents
	// stay WebRTC.
	SIPCustomers bool
}

// CallsResult is what the calls benchmark measured.
type CallsResult struct {
	Calls int
	// Failed counts calls whose setup failed (they are not in Calls).
	Failed int
	// Setup is the time from an agent's answer (the SDP offer sent) to the
	// first bridged packet from the agent at the customer.
	Setup Latencies
	// Sent counts the frames the phones wrote in the measured period,
	// both directions; Received those of them that arrived within Drain
	// after it; Loss is 1 - Received/Sent, exact.
	Sent, Received int64
	Loss           float64
	Drain          time.Duration
	// GapLoss is the share of frames missing by RTP sequence gaps at the
	// receivers between snapshots at both ends of the period (the earlier
	// runs' second loss figure).
	GapLoss float64
	// Path is the RFC 3550 jitter of each frame's transit from the moment
	// its phone wrote it to its arrival: what the hub and the phones'
	// network stacks add. Pacing is the sending phones' jitter against
	// their 20 ms schedule. Receiver is the classic receiver jitter
	// (arrival against RTP timestamp), which counts both.
	Path, Pacing, Receiver JitterSummary
	// Transit is the one-way time of every received frame of the period.
	Transit Latencies
	// CPU is the process's CPU time over the period, as a share of one core.
	CPU          float64
	Duration     time.Duration
	Recorded     bool
	SIPCustomers bool
}

// Fprint writes the result.
func (r *CallsResult) Fprint(w io.Writer) {
	legs := "WebRTC customers"
	if r.SIPCustomers {
		legs = "plain RTP (SIP trunk) customers"
	}
	fmt.Fprintf(w, "concurrent bridged calls: %d, %d failed to set up (G.711, %s, WebRTC agents, recording %v)\n", r.Calls, r.Failed, legs, r.Recorded)
	r.Setup.Fprint(w, "answer → first bridged packet")
	fmt.Fprintf(w, "frames sent in %s: %d, received within %s after: %d, loss %.3f%% (sequence gaps %.3f%%)\n", r.Duration, r.Sent, r.Drain, r.Received, 100*r.Loss, 100*r.GapLoss)
	r.Transit.Fprint(w, "one-way transit (phone write → phone read)")
	fmt.Fprintf(w, "added jitter (RFC 3550 over transit from the actual send): mean %.2f ms, max %.2f ms\n", ms(r.Path.Mean), ms(r.Path.Max))
	fmt.Fprintf(w, "sender pacing jitter (send time vs the 20 ms schedule): mean %.2f ms, max %.2f ms\n", ms(r.Pacing.Mean), ms(r.Pacing.Max))
	fmt.Fprintf(w, "receiver jitter (arrival vs RTP timestamp, pacing included): mean %.2f ms, max %.2f ms\n", ms(r.Receiver.Mean), ms(r.Receiver.Max))
	fmt.Fprintf(w, "CPU: %.0f%% of one core (hub and all %d phones in this process)\n", 100*r.CPU, 2*r.Calls)
}

// callPair is one bridged call: the customer's and the agent's phones.
type callPair struct {
	id              string
	customer, agent *media.Softphone
}

const (
	markCustomer = 0x43
	markAgent    = 0x41
)

// Calls sets up cfg.Calls bridged calls through an in-process media hub,
// each with two pion softphones over loopback, then measures loss and
// jitter for cfg.Duration. The phones run in the same process and share
// the CPU with the hub, so the figures understate a dedicated server.
func Calls(ctx context.Context, cfg CallsConfig) (*CallsResult, error) {
	hcfg := media.Config{IncludeLoopback: true}
	if cfg.Record {
		dir, err := os.MkdirTemp("", "switchboard-bench-calls-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		hcfg.RecordDir = dir
	}
	hub, err := media.NewHub(hcfg)
	if err != nil {
		return nil, err
	}
	pairs := make([]callPair, 0, cfg.Calls)
	defer func() {
		for _, p := range pairs {
			hub.End(p.id)
			p.customer.Close()
			p.agent.Close()
		}
	}()
	var setups samples
	// A setup that fails (ICE gathering starved on a loaded machine) is
	// counted and the run goes on with the calls that connected; more than
	// a quarter failing ends it.
	var failed []error
	every := time.Second / time.Duration(max(cfg.Rate, 1))
	for i := 0; i < cfg.Calls; i++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		next := time.Now().Add(every)
		id := fmt.Sprint("bench-", i)
		var c *media.Softphone
		if cfg.SIPCustomers {
			c, err = connectRTP(hub, id)
		} else {
			c, err = connect(ctx, markCustomer, func(offer string) (string, error) { return hub.ConnectCustomer(ctx, id, offer) })
		}
		if err != nil {
			if failed = append(failed, fmt.Errorf("call %d customer: %w", i, err)); len(failed) > cfg.Calls/4 {
				return nil, errors.Join(failed...)
			}
			time.Sleep(time.Until(next))
			continue
		}
		answered := time.Now()
		a, err := connect(ctx, markAgent, func(offer string) (string, error) { return hub.ConnectAgent(ctx, id, offer) })
		if err != nil {
			c.Close()
			hub.End(id)
			if failed = append(failed, fmt.Errorf("call %d agent: %w", i, err)); len(failed) > cfg.Calls/4 {
				return nil, errors.Join(failed...)
			}
			time.Sleep(time.Until(next))
			continue
		}
		pairs = append(pairs, callPair{id, c, a})
		go func() {
			for t0 := time.Now(); time.Since(t0) < 10*time.Second; time.Sleep(5 * time.Millisecond) {
				if first := c.FirstFrom(markAgent); !first.IsZero() {
					setups.add(first.Sub(answered))
					return
				}
			}
		}()
		time.Sleep(time.Until(next))
	}
	time.Sleep(2 * time.Second) // settle: last calls connect, jitter estimates converge

	// The window is set on every phone before it opens, and frames count
	// by their send stamp at both ends: a frame sent in the window is sent
	// and received (or lost) in it, however late it arrives.
	start := time.Now().Add(100 * time.Millisecond)
	end := start.Add(cfg.Duration)
	for _, p := range pairs {
		p.customer.Measure(start, end, markAgent)
		p.agent.Measure(start, end, markCustomer)
	}
	if err := sleepUntil(ctx, start); err != nil {
		return nil, err
	}
	gaps0, all0 := gapTotals(pairs)
	cpu0, t0 := cpuTime(), time.Now()
	if err := sleepUntil(ctx, end); err != nil {
		return nil, err
	}
	cpu, elapsed := cpuTime()-cpu0, time.Since(t0)
	gaps1, all1 := gapTotals(pairs)
	res := &CallsResult{Calls: len(pairs), Failed: len(failed), Recorded: cfg.Record, SIPCustomers: cfg.SIPCustomers, Duration: cfg.Duration,
		CPU: float64(cpu) / float64(elapsed), Setup: Summarize(setups.take()), Drain: callsDrain}
	// Sequence gaps between the two snapshots, for continuity with the
	// earlier runs; Loss below is the exact figure.
	if got := (all1 - all0) + (gaps1 - gaps0); got > 0 {
		res.GapLoss = float64(gaps1-gaps0) / float64(got)
	}
	var rx jitterStats
	for _, p := range pairs {
		for _, ph := range []*media.Softphone{p.customer, p.agent} {
			_, _, j, _ := ph.Quality()
			rx.add(j)
		}
	}
	res.Receiver = rx.summary()
	// Frames sent just before the end are still on their way.
	if err := sleepUntil(ctx, end.Add(callsDrain)); err != nil {
		return nil, err
	}
	var path, pacing jitterStats
	var transits []time.Duration
	for _, p := range pairs {
		for _, ph := range []*media.Softphone{p.customer, p.agent} {
			w := ph.Window()
			res.Sent += w.Sent
			res.Received += w.Received
			transits = append(transits, w.Transits...)
			path.add(w.PathJitter)
			pacing.add(w.PacingJitter)
		}
	}
	res.Path, res.Pacing, res.Transit = path.summary(), pacing.summary(), Summarize(transits)
	if res.Sent > 0 {
		res.Loss = 1 - float64(res.Received)/float64(res.Sent)
	}
	return res, nil
}

// callsDrain is how long after the period frames sent in it may still
// arrive and count as received; later ones are lost, as a phone's
// jitter buffer would have played out without them.
const callsDrain = 2 * time.Second

// JitterSummary is one jitter figure over all the phones.
type JitterSummary struct {
	Mean, Max time.Duration
}

// jitterStats collects one jitter figure per phone.
type jitterStats struct {
	sum, max time.Duration
	n        int
}

func (s *jitterStats) add(j time.Duration) {
	s.sum += j
	s.max = max(s.max, j)
	s.n++
}

func (s *jitterStats) summary() JitterSummary {
	if s.n == 0 {
		return JitterSummary{}
	}
	return JitterSummary{Mean: s.sum / time.Duration(s.n), Max: s.max}
}

// sleepUntil waits until t or the context's end.
func sleepUntil(ctx context.Context, t time.Time) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(t)):
		return nil
	}
}

// samples collects durations from several goroutines.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *samples) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

func (s *samples) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// connect dials one softphone through an SDP exchange.
func connect(ctx context.Context, mark byte, exchange func(offer string) (string, error)) (*media.Softphone, error) {
	p, offer, err := media.NewSoftphone(mark)
	if err != nil {
		return nil, err
	}
	answer, err := exchange(offer)
	if err == nil {
		err = p.Accept(answer)
	}
	if err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// connectRTP makes a plain RTP caller the customer of call id, as the
// SIP trunk does for a call arriving from the provider.
func connectRTP(hub *media.Hub, id string) (*media.Softphone, error) {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	_ = conn.SetReadBuffer(1 << 20)
	p, err := media.NewRTPPhone(markCustomer, conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := hub.ConnectCustomerRTP(id, media.PCMU, conn, p.Addr()); err != nil {
		p.Close()
		return nil, err
	}
	p.Start()
	return p, nil
}

// gapTotals sums, over every phone, frames missing by sequence gaps and
// frames received (music included).
func gapTotals(pairs []callPair) (lost, received int64) {
	for _, p := range pairs {
		for _, ph := range []*media.Softphone{p.customer, p.agent} {
			r, l, _, _ := ph.Quality()
			received += r
			lost += l
		}
	}
	return lost, received
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
