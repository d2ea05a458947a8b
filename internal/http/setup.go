package http

import (
	"crypto/subtle"
	"net/http"
	"sync/atomic"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// firstRun is the first-run setup's state: the one-time token serve
// printed (emptied once used).
type firstRun struct {
	token atomic.Pointer[string]
}

type setupRequest struct {
	Token        string `json:"token"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Password     string `json:"password"`
	Organisation string `json:"organisation"`
	PhoneRegion  string `json:"phone_region"`
}

func (s *Server) setupStore() (desk.SetupStore, error) {
	return s.cfg.Store, nil
}

// handleSetupGet tells the browser whether the first admin is still to
// be created (the sign-in page then points at the setup link).
func (s *Server) handleSetupGet(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.setupStore()
	if err != nil {
		return err
	}
	need, err := ss.SetupNeeded(desk.NewContextWithActor(r.Context(), desk.SystemActor))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"needed": need})
	return nil
}

// handleSetup creates the first admin and the organisation with the
// token of the setup link, then signs the admin in. 403 setup_token for a
// missing or wrong token; 409 setup_done once an admin exists.
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) error {
	var req setupRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	ss, err := s.setupStore()
	if err != nil {
		return err
	}
	sys := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	want := *s.setup.token.Load()
	if want == "" {
		if need, err := ss.SetupNeeded(sys); err != nil {
			return err
		} else if !need {
			return &desk.Error{Kind: desk.ECONFLICT, Code: desk.CodeSetupDone, Message: "the first admin exists already: sign in"}
		}
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(req.Token), []byte(want)) != 1 {
		return &desk.Error{Kind: desk.EFORBIDDEN, Code: "setup_token", Field: "token",
			Message: "this setup link is not valid: use the one `switchboard serve` printed when it started"}
	}
	if len(req.Password) < auth.MinPasswordLength {
		return desk.FieldErrorf("password", "at least %d characters", auth.MinPasswordLength)
	}
	org := &desk.Organisation{Name: req.Organisation, PhoneRegion: req.PhoneRegion}
	if err := org.Validate(); err != nil {
		return err
	}
	if !phone.ValidRegion(org.PhoneRegion) {
		return desk.FieldErrorf("phone_region", "unknown country %q: use its two-letter code, e.g. US or DE", req.PhoneRegion)
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return err
	}
	admin := &desk.Agent{Email: req.Email, Name: req.Name, Role: desk.RoleAdmin, Capacity: desk.DefaultCapacity, PasswordHash: hash}
	if err := ss.CompleteSetup(sys, admin, org); err != nil {
		return err
	}
	empty := ""
	s.setup.token.Store(&empty)
	s.org.Set(org.PhoneRegion)
	s.cfg.Logger.Info("first run: the first admin was created", "agent_id", admin.ID.String())
	sess, err := s.auth.Login(r.Context(), auth.LoginRequest{Email: admin.Email, Password: req.Password, Client: "web"})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess.Token, sess.Expires)
	writeJSON(w, http.StatusCreated, map[string]any{"token": sess.Token, "agent": sess.Agent, "expires_at": sess.Expires,
		"enroll_required": sess.EnrollRequired, "organisation": org})
	return nil
}

// handleOrganisation returns the organisation named at first run; 204
// when none was (a server set up with `user create`): the Getting started
// page asks, and no organisation is an empty answer, not an error.
func (s *Server) handleOrganisation(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.setupStore()
	if err != nil {
		return err
	}
	o, err := ss.FindOrganisation(r.Context())
	if desk.ErrorCode(err) == desk.ENOTFOUND {
		w.WriteHeader(http.StatusNoContent)
		return nil
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}
