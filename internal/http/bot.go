package http

import (
	"net/http"
)

// handleConversationHandoff takes a conversation from its bot (C6); it then
// waits in its queue for an agent.
func (s *Server) handleConversationHandoff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := s.decode(r, &req); err != nil {
			return err
		}
	}
	c, err := s.cfg.Store.HandOffConversation(r.Context(), id, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
