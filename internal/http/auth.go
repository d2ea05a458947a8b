package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code"`
	Client   string `json:"client"`
}

// handleLogin checks credentials (and the second factor once enrolled),
// returns a bearer token and sets the browser's HttpOnly session cookie.
// The agent's other session is revoked (A8).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Email == "" {
		return desk.FieldErrorf("email", "email is required")
	} else if req.Password == "" {
		return desk.FieldErrorf("password", "password is required")
	} else if len(req.Client) > 100 {
		return desk.FieldErrorf("client", "client is longer than 100 characters")
	}
	sess, err := s.auth.Login(r.Context(), auth.LoginRequest{Email: req.Email, Password: req.Password, TOTPCode: req.TOTPCode, Client: req.Client})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess.Token, sess.Expires)
	writeJSON(w, http.StatusOK, map[string]any{"token": sess.Token, "agent": sess.Agent, "expires_at": sess.Expires,
		"enroll_required": sess.EnrollRequired})
	return nil
}

// handleLogout revokes the session, sets the agent Offline (A7: logging
// out ends the shift) and clears the cookie.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.auth.Logout(r.Context(), identity(r.Context()).SessionID); err != nil {
		return err
	}
	if _, err := s.cfg.Store.SetAgentStatus(r.Context(), desk.ActorFromContext(r.Context()).AgentID, desk.StatusOffline); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMePassword changes the agent's own password given the current
// one; every session of the agent ends, this one included.
func (s *Server) handleMePassword(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.CurrentPassword == "" {
		return desk.FieldErrorf("current_password", "current_password is required")
	}
	if err := s.auth.ChangePassword(r.Context(), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	a, err := s.cfg.Store.FindAgentByID(r.Context(), desk.ActorFromContext(r.Context()).AgentID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// handleSession tells the workspace on load whether its cookie is still a
// session: {"agent": ...} when it is, {"agent": null} when not (no
// session, expired, revoked) — an answer, not a 401, so a signed-out page
// load logs no error.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) error {
	ctx, err := s.authenticate(r, accessEnroll)
	if err != nil {
		if k := desk.ErrorKind(err); k == desk.EUNAUTHENTICATED || k == desk.EFORBIDDEN {
			writeJSON(w, http.StatusOK, map[string]any{"agent": nil})
			return nil
		}
		return err
	}
	a, err := s.cfg.Store.FindAgentByID(ctx, desk.ActorFromContext(ctx).AgentID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"agent": a, "enroll_required": identity(ctx).EnrollRequired})
	return nil
}
