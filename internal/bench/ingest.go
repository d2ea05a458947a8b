package bench

import (
	"bytes"
	"context"
	"fmt"
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
}

// IngestResult is what a run measured.
type IngestResult struct {
	Messages int
	Errors   int
	Elapsed  time.Duration
	Latency  Latencies
}

// Rate is messages per second over the measured period.
func (r *IngestResult) Rate() float64 { return float64(r.Messages) / r.Elapsed.Seconds() }

// Fprint writes a human-readable report.
func (r *IngestResult) Fprint(w io.Writer) {
	fmt.Fprintf(w, "ingest: %d messages in %.2f s = %.0f messages/s, %d errors\n",
		r.Messages, r.Elapsed.Seconds(), r.Rate(), r.Errors)
	r.Latency.Fprint(w, "ingest")
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
	measuring.Store(true)
	start := time.Now()
	sleep(ctx, cfg.Duration)
	measuring.Store(false)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()

	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	res := &IngestResult{Messages: len(all), Errors: int(errs.Load()), Elapsed: elapsed, Latency: Summarize(all)}
	if res.Messages == 0 {
		if err, ok := firstErr.Load().(error); ok {
			return res, fmt.Errorf("bench: no message succeeded; first error: %w", err)
		}
		return res, fmt.Errorf("bench: no message succeeded")
	}
	return res, ctx.Err()
}

func appendPayload(b []byte, cfg IngestConfig, n int64) []byte {
	cust := n % int64(cfg.Customers)
	b = append(b, `{"channel":"`...)
	b = append(b, cfg.Channel...)
	b = append(b, `","from":"+1555`...)
	b = strconv.AppendInt(b, 1000000+cust, 10)
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
