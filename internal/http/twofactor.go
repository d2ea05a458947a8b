package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

type totpCodeRequest struct {
	Code string `json:"code"`
}

// handleTOTPStatus tells the agent whether 2FA is on and required.
func (s *Server) handleTOTPStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.auth.TwoFactorStatus(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// handleTOTPEnroll returns a new secret, its otpauth:// URI and QR code.
func (s *Server) handleTOTPEnroll(w http.ResponseWriter, r *http.Request) error {
	en, err := s.auth.EnrollTOTP(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, en)
	return nil
}

// handleTOTPConfirm enables 2FA with a first code and returns the
// recovery codes, shown only this once.
func (s *Server) handleTOTPConfirm(w http.ResponseWriter, r *http.Request) error {
	var req totpCodeRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Code == "" {
		return desk.FieldErrorf("code", "code is required")
	}
	codes, err := s.auth.ConfirmTOTP(r.Context(), req.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"recovery_codes": codes})
	return nil
}

// handleTOTPDisable turns 2FA off given a current code or a recovery code.
func (s *Server) handleTOTPDisable(w http.ResponseWriter, r *http.Request) error {
	var req totpCodeRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Code == "" {
		return desk.FieldErrorf("code", "code is required")
	}
	if err := s.auth.DisableTOTP(r.Context(), req.Code); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAgentTOTPReset removes an agent's 2FA (admin only).
func (s *Server) handleAgentTOTPReset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.ResetTOTP(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleTwoFactorPolicyGet returns the per-role requirement (admin only).
func (s *Server) handleTwoFactorPolicyGet(w http.ResponseWriter, r *http.Request) error {
	if err := access.Require(r.Context(), "UpdateTwoFactorPolicy"); err != nil { // read by those who may change it
		return err
	}
	p, err := s.cfg.Store.FindTwoFactorPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// handleTwoFactorPolicyUpdate replaces the per-role requirement.
func (s *Server) handleTwoFactorPolicyUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := access.Require(r.Context(), "UpdateTwoFactorPolicy"); err != nil {
		return err
	}
	var p desk.TwoFactorPolicy
	if err := s.decode(r, &p); err != nil {
		return err
	}
	if p.RequiredRoles == nil {
		p.RequiredRoles = []desk.Role{}
	}
	if err := s.auth.UpdateTwoFactorPolicy(r.Context(), &p); err != nil {
		return err
	}
	got, err := s.cfg.Store.FindTwoFactorPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}
