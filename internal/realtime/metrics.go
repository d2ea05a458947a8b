package realtime

import (
	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the live feed's Prometheus collectors (see Hub.Collectors).
type metrics struct {
	frames      prometheus.Counter
	disconnects *prometheus.CounterVec
	countRounds prometheus.Counter
}

func newMetrics() *metrics {
	return &metrics{
		frames: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_ws_frames_total",
			Help: "Frames queued to live-feed sockets.",
		}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_ws_disconnects_total",
			Help: "Live-feed sockets closed, by reason: too_slow (4008), revoked (4001), going_away (1001), closed (by the client), failed.",
		}, []string{"reason"}),
		countRounds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_queue_count_rounds_total",
			Help: "Rounds of queue counting (each one grouped query for the queues changes touched).",
		}),
	}
}

// reasonLabel names a close code for the disconnects metric.
func reasonLabel(code websocket.StatusCode) string {
	switch code {
	case closeTooSlow:
		return "too_slow"
	case closeRevoked:
		return "revoked"
	case closeGoingAway:
		return "going_away"
	case websocket.StatusNormalClosure:
		return "closed"
	}
	return "failed"
}

// Collectors returns the hub's Prometheus collectors, the number of
// connected sockets among them, for the server's registry.
func (h *Hub) Collectors() []prometheus.Collector {
	sockets := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "switchboard_ws_sockets",
		Help: "Live-feed sockets connected to this node.",
	}, func() float64 { return float64(h.Clients()) })
	return []prometheus.Collector{sockets, h.metrics.frames, h.metrics.disconnects, h.metrics.countRounds}
}
