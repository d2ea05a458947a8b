package bench

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Latencies summarizes request latencies.
type Latencies struct {
	Count         int
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// Summarize sorts samples (in place) and returns their percentiles.
func Summarize(samples []time.Duration) Latencies {
	if len(samples) == 0 {
		return Latencies{}
	}
	slices.Sort(samples)
	at := func(q float64) time.Duration {
		i := int(q * float64(len(samples)-1))
		return samples[i]
	}
	return Latencies{Count: len(samples), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: samples[len(samples)-1]}
}

// Fprint writes the percentiles in milliseconds.
func (l Latencies) Fprint(w io.Writer, label string) {
	fmt.Fprintf(w, "%s latency: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms (%d samples)\n",
		label, ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max), l.Count)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
