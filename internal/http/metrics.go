package http

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus collectors.
type metrics struct {
	latency     *prometheus.HistogramVec
	storeErrors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchboard_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "code"}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_store_errors_total",
			Help: "Requests that failed with an internal (store) error.",
		}),
	}
	reg.MustRegister(m.latency, m.storeErrors)
	return m
}
