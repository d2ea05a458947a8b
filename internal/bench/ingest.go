package bench

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// IngestConfig configures an inbound-message load run against
// POST /api/v1/inbound.
type IngestConfig struct {
	Target    string        // base URL, e.g. http://127.0.0.1:8080
	Token     string        // integration or admin token
	Conns     int           // concurrent connections (one worker each)
	Customers int           // distinct customer addresses messages come from
	Duration  time.Duration // measured period
	Warmup    time.Duration // unmeasured period before it
	Channel   string        // channel name in the payload
	RunID     string        // makes external IDs unique across runs
	// Path and Payload replace the API channel's request, e.g. with a
	// provider's webhook; Sign adds its signature header.
	Path    string
	Payload func(b []byte, n int64) []byte
	Sign    func(r *http.Request, body []byte)
	// NewCustomers sends every message from a customer never seen before,
	// so each one creates a customer and opens a conversation.
	NewCustomers bool
	// ServerCPU, if set, reads the server's CPU time; the result then
	// tells the CPU spent per message over the measured period.
	ServerCPU func() (time.Duration, error)
	// DBCPU, when set, reads the database server's CPU time spent for
	// this server (see PostgresCPU).
	DBCPU func() time.Duration
	// DBCost, when set, reads PostgreSQL's cost for this server (see
	// PostgresCost); the result then tells it per message.
	DBCost func() PGCost
	// Healthz measures GET /healthz of the same server with the same
	// connections for this long after the run, as the machine's reference.
	Healthz time.Duration
}

// IngestResult is what a run measured.
type IngestResult struct {
	Messages int
	Errors   int
	Elapsed  time.Duration
	Latency  Latencies
	// ServerCPU is the server's CPU time over the measured period (zero
	// when not read).
	ServerCPU time.Duration
	// DBCPU is the database server's CPU time over it (when read).
	DBCPU time.Duration
	// DB is PostgreSQL's cost over it (when DBCost is set).
	DB *PGCost
	// HealthzRate is GET /healthz per second of the same server after the
	// run (zero when not measured).
	HealthzRate float64
}

// Rate is messages per second over the measured period.
func (r *IngestResult) Rate() float64 { return float64(r.Messages) / r.Elapsed.Seconds() }

// Fprint writes a human-readable report.
func (r *IngestResult) Fprint(w io.Writer) {
	fmt.Fprintf(w, "ingest: %d messages in %.2f s = %.0f messages/s, %d errors\n",
		r.Messages, r.Elapsed.Seconds(), r.Rate(), r.Errors)
	r.Latency.Fprint(w, "ingest")
	if r.ServerCPU > 0 && r.Messages > 0 {
		fmt.Fprintf(w, "server CPU: %.3f ms per message\n", float64(r.ServerCPU)/float64(r.Messages)/float64(time.Millisecond))
	}
	if r.DB != nil {
		r.DB.Fprint(w, r.Messages, "message")
	}
	if r.HealthzRate > 0 {
		fmt.Fprintf(w, "healthz: %.0f requests/s on the same server; ingest/healthz ratio %.3f\n", r.HealthzRate, r.Rate()/r.HealthzRate)
	}
}

// Ingest runs warm-up then the measured period and returns the result. Each
// worker keeps one keep-alive connection and sends messages round-robin
// over the customers, so conversations get threaded as in real traffic.
func Ingest(ctx context.Context, cfg IngestConfig) (*IngestResult, error) {
	if cfg.Conns <= 0 || cfg.Customers <= 0 || cfg.Duration <= 0 {
		return nil, fmt.Errorf("bench: conns, customers and duration must be positive")
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        cfg.Conns,
			MaxIdleConnsPerHost: cfg.Conns,
			MaxConnsPerHost:     cfg.Conns,
			DisableCompression:  true,
		},
	}
	defer client.CloseIdleConnections()
	url := cfg.Target + "/api/v1/inbound"
	if cfg.Path != "" {
		url = cfg.Target + cfg.Path
	}
	payload := func(b []byte, n int64) []byte { return appendPayload(b, cfg, n) }
	if cfg.Payload != nil {
		payload = cfg.Payload
	}

	var seq atomic.Int64
	var measuring atomic.Bool
	var errs atomic.Int64
	var firstErr atomic.Value
	samples := make([][]time.Duration, cfg.Conns)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < cfg.Conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			buf := make([]byte, 0, 256)
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				n := seq.Add(1)
				buf = payload(buf[:0], n)
				start := time.Now()
				err := post(ctx, client, url, cfg.Token, buf, cfg.Sign)
				d := time.Since(start)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				if measuring.Load() {
					samples[w] = append(samples[w], d)
				}
			}
		}(w)
	}

	sleep(ctx, cfg.Warmup)
	errs.Store(0)
	var cpu0, cpu1, db0, db1 time.Duration
	if cfg.ServerCPU != nil {
		cpu0, _ = cfg.ServerCPU()
	}
	if cfg.DBCPU != nil {
		db0 = cfg.DBCPU()
	}
	var cost0 PGCost
	if cfg.DBCost != nil {
		cost0 = cfg.DBCost()
	}
	measuring.Store(true)
	start := time.Now()
	sleep(ctx, cfg.Duration)
	measuring.Store(false)
	elapsed := time.Since(start)
	if cfg.ServerCPU != nil {
		cpu1, _ = cfg.ServerCPU()
	}
	if cfg.DBCPU != nil {
		db1 = cfg.DBCPU()
	}
	var cost *PGCost
	if cfg.DBCost != nil {
		c := cfg.DBCost().Sub(cost0)
		cost = &c
	}
	close(stop)
	wg.Wait()

	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	res := &IngestResult{Messages: len(all), Errors: int(errs.Load()), Elapsed: elapsed, Latency: Summarize(all), ServerCPU: cpu1 - cpu0, DBCPU: db1 - db0, DB: cost}
	if cfg.Healthz > 0 && ctx.Err() == nil {
		res.HealthzRate = healthzRate(ctx, client, cfg.Target, cfg.Conns, cfg.Healthz)
	}
	if res.Messages == 0 {
		if err, ok := firstErr.Load().(error); ok {
			return res, fmt.Errorf("bench: no message succeeded; first error: %w", err)
		}
		return res, fmt.Errorf("bench: no message succeeded")
	}
	return res, ctx.Err()
}

func appendPayload(b []byte, cfg IngestConfig, n int64) []byte {
	b = append(b, `{"channel":"`...)
	b = append(b, cfg.Channel...)
	if cfg.NewCustomers {
		// A number of its own per message and run: an area code picked
		// by the run's ID (a reused PostgreSQL database has earlier runs'
		// customers), then the message's sequence number.
		b = append(b, `","from":"+1`...)
		b = strconv.AppendInt(b, (200+int64(runHash(cfg.RunID)%700))*10_000_000+n%10_000_000, 10)
	} else {
		b = append(b, `","from":"+1555`...)
		b = strconv.AppendInt(b, 1000000+n%int64(cfg.Customers), 10)
	}
	b = append(b, `","to":"bench","text":"Hello, I need help with order `...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `","external_id":"`...)
	b = append(b, cfg.RunID...)
	b = append(b, '-')
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `"}`...)
	return b
}

func post(ctx context.Context, c *http.Client, url, token string, body []byte, sign func(*http.Request, []byte)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if sign != nil {
		sign(req, body)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}

// runHash spreads run IDs over numbers.
func runHash(id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()
}

// healthzRate is GET /healthz per second over d with conns keep-alive
// connections: the cheapest answer of the same server on the same
// machine, the reference an ingest rate is compared with.
func healthzRate(ctx context.Context, c *http.Client, target string, conns int, d time.Duration) float64 {
	var n atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, target+"/healthz", nil)
				if err != nil {
					return
				}
				resp, err := c.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && ctx.Err() == nil {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
