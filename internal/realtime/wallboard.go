package realtime

// The wallboard (issue 23): a socket of a supervisor or admin asks for it
// with {"type":"wallboard.subscribe"} and from then on receives the
// "wallboard" frames the node's board publishes, until
// {"type":"wallboard.unsubscribe"} or the socket closes. Agents are
// refused (forbidden), as the snapshot endpoint refuses them.

// watchWallboard starts or stops c receiving wallboard frames; false when
// c may not (it does not see every queue: agents).
func (h *Hub) watchWallboard(c *client, on bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return true // gone meanwhile
	}
	if !on {
		delete(h.boards, c)
		return true
	}
	if !c.allQueues {
		return false
	}
	h.boards[c] = struct{}{}
	return true
}

// WallboardWatchers reports how many sockets on this node watch the
// wallboard.
func (h *Hub) WallboardWatchers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.boards)
}

// PublishWallboard sends a wallboard frame to every watching socket; a
// socket that cannot keep up is dropped as for events.
func (h *Hub) PublishWallboard(frame []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.boards {
		c.push(frame)
	}
}
