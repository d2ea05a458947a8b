package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code"`
	Client   string `json:"client"`
}

// handleLogin checks credentials, returns a bearer token and sets the
// browser's HttpOnly session cookie.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Email == "" {
		return desk.FieldErrorf("email", "email is required")
	} else if req.Password == "" {
		return desk.FieldErrorf("password", "password is required")
	}
	sess, err := s.auth.Login(r.Context(), req.Email, req.Password, req.Client)
	if err != nil {
		if desk.ErrorKind(err) == desk.EUNAUTHENTICATED {
			s.cfg.Logger.Info("login failed", "remote", r.RemoteAddr)
		}
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, Expires: sess.Expires})
	writeJSON(w, http.StatusOK, map[string]any{"token": sess.Token, "agent": sess.Agent, "expires_at": sess.Expires})
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
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1})
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
