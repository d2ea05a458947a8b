package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// mergeRequest reads a merge call's target ({id} in the path) and the
// record merged into it ({"other_id"}), both required.
func (s *Server) mergeRequest(r *http.Request) (id, other desk.ID, err error) {
	if id, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	var req struct {
		OtherID desk.ID `json:"other_id"`
	}
	if err := s.decode(r, &req); err != nil {
		return 0, 0, err
	}
	if req.OtherID == 0 {
		return 0, 0, desk.FieldErrorf("other_id", "other_id is required")
	}
	return id, req.OtherID, nil
}

// handleConversationMerge merges other_id into the conversation (C8):
// 409 different_customers for two customers.
func (s *Server) handleConversationMerge(w http.ResponseWriter, r *http.Request) error {
	id, other, err := s.mergeRequest(r)
	if err != nil {
		return err
	}
	c, err := s.merges.Conversations(r.Context(), id, other)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
