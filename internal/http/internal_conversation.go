package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleInternalConversationCreate starts a conversation between agents
// (C9): 201 with the conversation and its first message.
func (s *Server) handleInternalConversationCreate(w http.ResponseWriter, r *http.Request) error {
	var req desk.NewInternalConversation
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c, m, err := s.cfg.Store.CreateInternalConversation(r.Context(), &req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"conversation": c, "message": m})
	return nil
}
