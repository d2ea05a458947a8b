package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleConversationMerge merges other_id into the conversation (C8):
// 409 different_customers for two customers.
func (s *Server) handleConversationMerge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		OtherID desk.ID `json:"other_id"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.OtherID == 0 {
		return desk.FieldErrorf("other_id", "other_id is required")
	}
	c, err := s.cfg.Store.MergeConversations(r.Context(), id, req.OtherID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
