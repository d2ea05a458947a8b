package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Realtime is the live feed (internal/realtime.Hub).
type Realtime interface {
	Serve(w http.ResponseWriter, r *http.Request, actor *desk.Actor, sessionID desk.ID) error
	RevokeSessions(ids []desk.ID, reason string)
}

// handleWS upgrades to the live event feed (A8, A9, C11).
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Realtime == nil {
		return desk.Errorf(desk.ENOTFOUND, "the live feed is not enabled")
	}
	id := identity(r.Context())
	if id.Integration {
		return desk.Errorf(desk.EFORBIDDEN, "integration tokens have no live feed")
	}
	return s.cfg.Realtime.Serve(w, r, id.Actor, id.SessionID)
}
