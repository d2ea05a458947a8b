package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/wallboard"
)

// handleWallboard answers the wallboard's snapshot (supervisor+; agents
// get 403). Live updates follow on the WebSocket (wallboard.subscribe).
func (s *Server) handleWallboard(w http.ResponseWriter, r *http.Request) error {
	snap, err := wallboard.Take(r.Context(), s.cfg.Store, s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, snap)
	return nil
}
