package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// handleSMSSegments counts the SMS segments of a text (D4) with the rule
// the SMS channel applies when sending, so the composer's counter shows
// what will be sent instead of counting again in the browser.
func (s *Server) handleSMSSegments(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Text *string `json:"text"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Text == nil {
		return desk.FieldErrorf("text", "text is required")
	}
	writeJSON(w, http.StatusOK, outbound.Count(*req.Text))
	return nil
}
