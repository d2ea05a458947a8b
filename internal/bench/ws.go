package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// WSConfig configures the live-feed benchmark: Conns sockets spread over
// the nodes, then inbound messages at Rate for Duration, each routed to
// one of Queues queues whose members' sockets receive its event.
type WSConfig struct {
	Nodes    []*Server
	Tokens   []string // one session per socket (agents of the queues)
	Admin    string   // token posting inbound messages
	Queues   int      // receiver "bench-qNNNN" routes to queue NNNN
	Rate     int
	Duration time.Duration
}

// WSResult is what a run measured.
type WSResult struct {
	Conns        int
	PerConnBytes float64 // server resident memory added per idle socket
	Sent, Frames int
	Latency      Latencies // commit → frame received, for message events
}

// Fprint writes a human-readable report.
func (r *WSResult) Fprint(w io.Writer) {
	fmt.Fprintf(w, "sockets: %d, server memory %.1f KB per socket\n", r.Conns, r.PerConnBytes/1024)
	fmt.Fprintf(w, "sent %d messages, received %d message frames\n", r.Sent, r.Frames)
	r.Latency.Fprint(w, "commit→socket")
}

// WS runs the benchmark.
func WS(ctx context.Context, cfg WSConfig) (*WSResult, error) {
	before := make([]int64, len(cfg.Nodes))
	for i, n := range cfg.Nodes {
		var err error
		if before[i], err = n.RSS(); err != nil {
			return nil, err
		}
	}
	var mu sync.Mutex
	var samples []time.Duration
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	conns := make([]*websocket.Conn, 0, len(cfg.Tokens))
	defer func() {
		for _, c := range conns {
			c.CloseNow()
		}
	}()
	for i, tok := range cfg.Tokens {
		node := cfg.Nodes[i%len(cfg.Nodes)]
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		c, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(node.URL, "http")+"/api/v1/ws",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("bench: socket %d: %w", i, err)
		}
		conns = append(conns, c)
		go func() {
			var f struct {
				Type string    `json:"type"`
				At   time.Time `json:"at"`
			}
			for {
				_, data, err := c.Read(rctx)
				if err != nil {
					return
				}
				if !bytes.Contains(data, []byte(`"message.created"`)) {
					continue
				}
				if json.Unmarshal(data, &f) == nil && !f.At.IsZero() {
					d := time.Since(f.At)
					mu.Lock()
					samples = append(samples, d)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(3 * time.Second) // let the sockets settle
	res := &WSResult{Conns: len(conns)}
	var added int64
	for i, n := range cfg.Nodes {
		after, err := n.RSS()
		if err != nil {
			return nil, err
		}
		added += after - before[i]
	}
	res.PerConnBytes = float64(added) / float64(len(conns))

	sent, err := postPaced(ctx, cfg)
	res.Sent = sent
	time.Sleep(2 * time.Second) // the last frames
	mu.Lock()
	res.Frames = len(samples)
	res.Latency = Summarize(samples)
	mu.Unlock()
	return res, err
}

// postPaced posts inbound messages at cfg.Rate from 16 workers.
func postPaced(ctx context.Context, cfg WSConfig) (int, error) {
	const workers = 16
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	interval := time.Duration(workers) * time.Second / time.Duration(cfg.Rate)
	total := cfg.Rate * int(cfg.Duration/time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	sent, failed := 0, 0
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := start.Add(time.Duration(w) * interval / workers)
			for i := w; i < total; i += workers {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				next = next.Add(interval)
				node := cfg.Nodes[i%len(cfg.Nodes)]
				body := fmt.Sprintf(`{"channel":"sms","from":"+1777%06d","to":"bench-q%04d","text":"hello","external_id":"ws-%d-%d"}`,
					i%5000, i%cfg.Queues, start.UnixNano(), i)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, node.URL+"/api/v1/inbound", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+cfg.Admin)
				resp, err := client.Do(req)
				mu.Lock()
				if err == nil && resp.StatusCode < 300 {
					sent++
				} else {
					failed++
				}
				mu.Unlock()
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	if failed > 0 {
		return sent, fmt.Errorf("bench: %d inbound posts failed", failed)
	}
	return sent, nil
}
