package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/gencache"
)

// The read cache's bounds: a list page of 50 conversations encodes to
// ~60 KB, so the byte bound is what holds in practice.
const (
	readCacheEntries = 4096
	readCacheBytes   = 64 << 20
)

// readKey is what a cached read's answer depends on besides the data: the
// request (path and query as sent; a different spelling is another entry)
// and whose access applies. An agent who does not see every queue is
// keyed by their ID (their queue memberships are data, so the generation
// covers them); an actor who sees every queue is keyed by role alone,
// unless the answer names the actor (perAgent: the "mine" view).
type readKey struct {
	agent  desk.ID
	role   desk.Role
	system bool
	uri    string
}

// newReadCache makes the server's read cache and exports its lookups as
// switchboard_read_cache_lookups_total{result="hit"|"miss"}.
func newReadCache(reg prometheus.Registerer) *gencache.Cache[readKey, []byte] {
	c := gencache.New[readKey, []byte](readCacheEntries, readCacheBytes, func(b []byte) int { return len(b) })
	for _, result := range []string{"hit", "miss"} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "switchboard_read_cache_lookups_total",
			Help:        "Cached reads (lists, a conversation, its messages, a customer, its history, search) answered from the cache (hit) or computed (miss).",
			ConstLabels: prometheus.Labels{"result": result},
		}, func() float64 {
			h, m := c.Stats()
			if result == "hit" {
				return float64(h)
			}
			return float64(m)
		}))
	}
	return c
}

// writeCached answers a read with its JSON computed by fn, or with the
// bytes computed for the same key while the database's write generation
// was the one read now (package gencache): never an answer older than the
// last commit. Cache-Control: no-cache computes the answer anew. Errors
// are not cached; fn's value is encoded as writeJSON does.
func (s *Server) writeCached(w http.ResponseWriter, r *http.Request, perAgent bool, fn func() (any, error)) error {
	actor, err := desk.RequireActor(r.Context())
	if err != nil {
		return err
	}
	k := readKey{role: actor.Role, system: actor.System, uri: r.URL.RequestURI()}
	if !actor.SeesAllQueues() || perAgent {
		k.agent = actor.AgentID
	}
	fresh := strings.Contains(r.Header.Get("Cache-Control"), "no-cache")
	b, _, err := s.reads.Do(r.Context(), s.cfg.Store.Generation, k, fresh, func() ([]byte, error) {
		v, err := fn()
		if err != nil {
			return nil, err
		}
		if raw, ok := v.(rawJSON); ok {
			return raw, nil
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(v); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return nil
}
