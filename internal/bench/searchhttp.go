package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// SearchHTTPConfig configures the search benchmark over HTTP: closed-loop
// load of GET /api/v1/search per kind of query against a running server,
// beside GET /healthz of the same server in the same run.
type SearchHTTPConfig struct {
	URL, Token string
	// Conns are the concurrency levels measured, each a phase of its own.
	Conns []int
	// Duration is how long each phase (one kind at one concurrency) runs.
	Duration time.Duration
	// Limit is the page size of each group (the limit parameter).
	Limit int
	// CPU, when set, returns the server's CPU time so far: each phase
	// reports the server's CPU per request.
	CPU func() (time.Duration, error)
}

// searchKinds are the kinds of the query mix, in the order printed, and
// searchModes how each is asked: computed anew, or repeated from the cache.
var (
	searchKinds = []string{"rare", "common", "prefix", "phone", "name"}
	searchModes = []string{"fresh", "cached"}
)

// loadResult is one phase's outcome.
type loadResult struct {
	n       int
	elapsed time.Duration
	lat     Latencies
	bytes   int64
	cpu     time.Duration // the server's, over the phase (0: unknown)
}

// cpuPerReq is the server's CPU per request of the phase, or "-".
func (r loadResult) cpuPerReq() string {
	if r.cpu <= 0 || r.n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f µs", float64(r.cpu.Microseconds())/float64(r.n))
}

func (r loadResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

// SearchHTTP measures each kind of query at each concurrency over HTTP as
// the bench agent, and /healthz at the same concurrency in the same run
// (before and after the kinds, averaged), printing requests/s, p50/p95/p99
// and each rate's ratio to /healthz's.
func SearchHTTP(ctx context.Context, info *SeedInfo, cfg SearchHTTPConfig, out io.Writer) error {
	byKind := map[string][]string{}
	for _, c := range searchCases(info) {
		byKind[c.kind] = append(byKind[c.kind], c.text)
	}
	for _, conns := range cfg.Conns {
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
		get := func(path string, fresh bool) (int64, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL+path, nil)
			if err != nil {
				return 0, err
			}
			req.Header.Set("Authorization", "Bearer "+cfg.Token)
			if fresh {
				req.Header.Set("Cache-Control", "no-cache")
			}
			resp, err := client.Do(req)
			if err != nil {
				return 0, err
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
			}
			return n, err
		}
		// phase runs a closed loop and measures the server's CPU over it.
		phase := func(d time.Duration, do func(worker int) (int64, error)) (loadResult, error) {
			var c0 time.Duration
			if cfg.CPU != nil {
				c0, _ = cfg.CPU()
			}
			r, err := closedLoop(ctx, conns, d, do)
			if cfg.CPU != nil && err == nil {
				if c1, cerr := cfg.CPU(); cerr == nil {
					r.cpu = c1 - c0
				}
			}
			return r, err
		}
		health := func() (loadResult, error) {
			return phase(cfg.Duration/2, func(int) (int64, error) { return get("/healthz", false) })
		}
		// Warm-up, unmeasured: every kind computed anew from every
		// connection, so that the server's pool, the database's caches
		// and plans are warm before the first kind is measured.
		var all []string
		for _, kind := range searchKinds {
			all = append(all, byKind[kind]...)
		}
		var wnext atomic.Int64
		if _, err := closedLoop(ctx, conns, cfg.Duration, func(int) (int64, error) {
			t := all[int(wnext.Add(7))%len(all)]
			return get("/api/v1/search?limit="+fmt.Sprint(cfg.Limit)+"&q="+url.QueryEscape(t), true)
		}); err != nil {
			return err
		}
		h1, err := health()
		if err != nil {
			return err
		}
		results := map[string]loadResult{}
		for _, mode := range searchModes {
			for _, kind := range searchKinds {
				texts := byKind[kind]
				var next atomic.Int64
				r, err := phase(cfg.Duration, func(int) (int64, error) {
					t := texts[int(next.Add(1))%len(texts)]
					return get("/api/v1/search?limit="+fmt.Sprint(cfg.Limit)+"&q="+url.QueryEscape(t), mode == "fresh")
				})
				if err != nil {
					return err
				}
				results[mode+kind] = r
			}
		}
		h2, err := health()
		if err != nil {
			return err
		}
		hrate := (h1.rate() + h2.rate()) / 2
		hcpu := loadResult{n: h1.n + h2.n, cpu: h1.cpu + h2.cpu}
		fmt.Fprintf(out, "HTTP, %d concurrent, %s per kind; GET /healthz %.0f/s (%.0f before, %.0f after), server CPU %s a request; load average %s\n",
			conns, cfg.Duration, hrate, h1.rate(), h2.rate(), hcpu.cpuPerReq(), loadAverage())
		for _, mode := range searchModes {
			fmt.Fprintf(out, " %s\n", map[string]string{
				"fresh":  "computed anew (Cache-Control: no-cache):",
				"cached": "repeated queries, database unchanged (answered from the search cache):"}[mode])
			for _, kind := range searchKinds {
				r := results[mode+kind]
				fmt.Fprintf(out, "  %-7s %7.0f req/s  %.3f of /healthz  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  CPU %8s/req  (%d requests, %.1f KB each)\n",
					kind, r.rate(), r.rate()/hrate, ms(r.lat.P50), ms(r.lat.P95), ms(r.lat.P99), r.cpuPerReq(), r.n,
					float64(r.bytes)/float64(max(r.n, 1))/1000)
			}
		}
		client.CloseIdleConnections()
	}
	return nil
}

// closedLoop runs do from conns workers for d and returns the requests
// done, their latencies and the bytes they read. The first error stops it.
func closedLoop(ctx context.Context, conns int, d time.Duration, do func(worker int) (int64, error)) (loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu    sync.Mutex
		all   []time.Duration
		bytes int64
		first error
		wg    sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var b int64
			for ctx.Err() == nil {
				t := time.Now()
				n, err := do(w)
				if err != nil {
					if ctx.Err() == nil {
						mu.Lock()
						if first == nil {
							first = err
						}
						mu.Unlock()
						cancel()
					}
					break
				}
				mine = append(mine, time.Since(t))
				b += n
			}
			mu.Lock()
			all = append(all, mine...)
			bytes += b
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if first != nil {
		return loadResult{}, first
	}
	return loadResult{n: len(all), elapsed: elapsed, lat: Summarize(all), bytes: bytes}, nil
}
