package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleSurveyAnswer stores a customer's CSAT answer (C12). Public: the
// survey's token, sent only to the customer, is the credential.
func (s *Server) handleSurveyAnswer(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Rating int `json:"rating"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	sys := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	if err := s.surveys.Answer(sys, r.PathValue("token"), req.Rating); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
