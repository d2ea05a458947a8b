package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleAuditList pages through the security audit log, newest first
// (admin only).
func (s *Server) handleAuditList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.AuditFilter{Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	if f.AgentID, err = queryID(r, "agent_id"); err != nil {
		return err
	}
	if t := q.Get("type"); t != "" {
		f.Type = &t
	}
	items, next, err := s.cfg.Store.FindAuditEntries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}
