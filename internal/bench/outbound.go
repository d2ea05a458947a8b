package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// OutboundConfig configures an outbound run: agents' replies through
// POST /api/v1/conversations/{id}/messages to a WhatsApp channel whose
// provider is the local fake.
type OutboundConfig struct {
	Target        string
	Token         string // an admin's token (creates the channel)
	Conns         int
	Conversations int
	Duration      time.Duration
	Warmup        time.Duration
	RunID         string
	// ServerCPU, when set, reads the server's CPU time, to report its
	// cost per reply.
	ServerCPU func() (time.Duration, error)
	// DBCPU, when set, reads the database server's CPU time spent for
	// this server (see PostgresCPU).
	DBCPU func() time.Duration
	// DBCost, when set, reads PostgreSQL's cost for this server (see
	// PostgresCost); the result then tells it per reply.
	DBCost func() PGCost
}

// OutboundResult is what an outbound run measured: latency from the API
// call to the fake provider receiving the message.
type OutboundResult struct {
	Replies   int // accepted during the measured period
	Delivered int // of those, received by the provider
	Errors    int
	Elapsed   time.Duration
	Latency   Latencies
	// ServerCPU is the server's CPU time during the measured period.
	ServerCPU time.Duration
	// DBCPU is the database server's CPU time over it (when read).
	DBCPU time.Duration
	// DB is PostgreSQL's cost over it (when DBCost is set).
	DB *PGCost
}

// Fprint writes a human-readable report.
func (r *OutboundResult) Fprint(w io.Writer) {
	fmt.Fprintf(w, "outbound: %d replies in %.2f s, %d reached the provider = %.0f messages/s, %d errors\n",
		r.Replies, r.Elapsed.Seconds(), r.Delivered, float64(r.Delivered)/r.Elapsed.Seconds(), r.Errors)
	r.Latency.Fprint(w, "API call → provider")
	if r.ServerCPU > 0 && r.Replies > 0 {
		fmt.Fprintf(w, "server CPU: %.2f s in the measured period = %.3f ms per reply\n",
			r.ServerCPU.Seconds(), float64(r.ServerCPU.Microseconds())/1000/float64(r.Replies))
	}
	if r.DB != nil {
		r.DB.Fprint(w, r.Replies, "reply")
	}
}

// Outbound opens cfg.Conversations WhatsApp conversations through signed
// webhooks, then replies to them round-robin from cfg.Conns workers.
func Outbound(ctx context.Context, cfg OutboundConfig) (*OutboundResult, error) {
	prov := StartProvider()
	defer prov.Close()
	ch, err := CreateWhatsAppChannel(ctx, cfg.Target, cfg.Token, prov.URL, cfg.RunID)
	if err != nil {
		return nil, err
	}
	convs, err := openConversations(ctx, cfg, ch)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns}}
	defer client.CloseIdleConnections()

	type sample struct {
		n     int64
		start time.Time
	}
	var seq atomic.Int64
	var measuring atomic.Bool
	var errs atomic.Int64
	var firstErr atomic.Value
	samples := make([][]sample, cfg.Conns)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < cfg.Conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				n := seq.Add(1)
				url := cfg.Target + "/api/v1/conversations/" + convs[n%int64(len(convs))] + "/messages"
				body := []byte(`{"text":"Your order is on its way #` + strconv.FormatInt(n, 10) + `"}`)
				start := time.Now()
				if err := do(ctx, client, "POST", url, cfg.Token, body, nil, nil); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				if measuring.Load() {
					samples[w] = append(samples[w], sample{n, start})
				}
			}
		}(w)
	}
	sleep(ctx, cfg.Warmup)
	errs.Store(0)
	var cpu0, db0 time.Duration
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
	begin := time.Now()
	sleep(ctx, cfg.Duration)
	measuring.Store(false)
	elapsed := time.Since(begin)
	var cpu1, db1 time.Duration
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

	res := &OutboundResult{Errors: int(errs.Load()), Elapsed: elapsed, ServerCPU: cpu1 - cpu0, DBCPU: db1 - db0, DB: cost}
	var lat []time.Duration
	deadline := time.Now().Add(15 * time.Second)
	for _, ss := range samples {
		for _, s := range ss {
			res.Replies++
			at, ok := prov.arrival(s.n)
			for !ok && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
				at, ok = prov.arrival(s.n)
			}
			if ok {
				res.Delivered++
				lat = append(lat, at.Sub(s.start))
			}
		}
	}
	res.Latency = Summarize(lat)
	if res.Replies == 0 {
		if err, ok := firstErr.Load().(error); ok {
			return res, fmt.Errorf("bench: no reply succeeded; first error: %w", err)
		}
	}
	return res, ctx.Err()
}

// openConversations sends one signed WhatsApp message per customer and
// returns the conversations' IDs.
func openConversations(ctx context.Context, cfg OutboundConfig, ch *WhatsAppChannel) ([]string, error) {
	var ids []string
	// Customers of this run's own: on a store an earlier run wrote to, a
	// message from one of its customers would reopen their conversation
	// on that run's channel, whose provider is gone.
	first := int64(runHash(cfg.RunID)%100000) * 1000
	for i := 0; i < cfg.Conversations; i++ {
		body := AppendWhatsAppText(nil, first+int64(i), cfg.RunID+"-open-"+strconv.Itoa(i), "Where is my order?")
		if err := do(ctx, http.DefaultClient, "POST", cfg.Target+ch.WebhookPath, "", body, SignWhatsApp(ch.Secret), nil); err != nil {
			return nil, fmt.Errorf("open conversation: %w", err)
		}
	}
	cursor := ""
	for {
		var page struct {
			Items []struct {
				ID      string `json:"id"`
				Channel string `json:"channel"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := do(ctx, http.DefaultClient, "GET", cfg.Target+"/api/v1/conversations?view=all&limit=200&cursor="+cursor, cfg.Token, nil, nil, &page); err != nil {
			return nil, err
		}
		for _, c := range page.Items {
			if c.Channel == "whatsapp" {
				ids = append(ids, c.ID)
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("bench: no WhatsApp conversation opened")
	}
	return ids, nil
}
