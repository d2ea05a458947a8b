package realtime

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// pingParallel bounds the pings in flight: a ping waits for its pong, and
// one goroutine per socket waiting at once would cost as much memory as
// the sockets themselves.
const pingParallel = 32

// pingLoop pings every socket each PingInterval, a few at a time, and
// drops those that do not answer: a lost connection is found even when no
// event is sent to it.
func (h *Hub) pingLoop() {
	t := time.NewTicker(h.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		h.mu.RLock()
		list := make([]*client, 0, len(h.clients))
		for c := range h.clients {
			list = append(list, c)
		}
		h.mu.RUnlock()
		sem := make(chan struct{}, pingParallel)
		var wg sync.WaitGroup
		for _, c := range list {
			select {
			case <-h.stop:
				wg.Wait()
				return
			case sem <- struct{}{}:
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				h.ping(c)
			}()
		}
		wg.Wait()
	}
}

// ping sends one ping and waits for the pong (read by the client's reader).
func (h *Hub) ping(c *client) {
	if c.kicked() != 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	if err := c.conn.Ping(ctx); err != nil && c.kicked() == 0 {
		c.kick(websocket.StatusAbnormalClosure, "ping failed")
	}
}
