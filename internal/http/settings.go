package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleTransferPolicyGet returns the external-transfer setting (I3).
func (s *Server) handleTransferPolicyGet(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.Store.FindTransferPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// handleTransferPolicyUpdate replaces it (supervisors and admins).
func (s *Server) handleTransferPolicyUpdate(w http.ResponseWriter, r *http.Request) error {
	var p desk.TransferPolicy
	if err := s.decode(r, &p); err != nil {
		return err
	}
	if err := s.cfg.Store.UpdateTransferPolicy(r.Context(), &p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, &p)
	return nil
}
