package http

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/privacy"
)

// confirmRequest repeats the customer's ID, so that erasing or exporting
// one takes a deliberate second step.
type confirmRequest struct {
	Confirm string `json:"confirm"`
}

// privacyTarget checks the caller is an admin, reads the customer's ID
// and the confirmation.
func (s *Server) privacyTarget(r *http.Request, op string) (desk.ID, error) {
	if err := access.Require(r.Context(), op); err != nil {
		return 0, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	var req confirmRequest
	if err := s.decode(r, &req); err != nil {
		return 0, err
	}
	if req.Confirm != id.String() {
		return 0, &desk.Error{Kind: desk.EINVALID, Code: "confirmation_required", Field: "confirm",
			Message: "repeat the customer's ID in confirm to go ahead"}
	}
	return id, nil
}

// handleCustomerErase erases a customer's data (admin, confirmed).
func (s *Server) handleCustomerErase(w http.ResponseWriter, r *http.Request) error {
	id, err := s.privacyTarget(r, "EraseCustomer")
	if err != nil {
		return err
	}
	svc, err := s.privacy()
	if err != nil {
		return err
	}
	er, err := svc.Erase(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, er)
	return nil
}

// handleCustomerExport sends everything stored about a customer as one
// zip archive (admin, confirmed).
func (s *Server) handleCustomerExport(w http.ResponseWriter, r *http.Request) error {
	id, err := s.privacyTarget(r, "ExportCustomer")
	if err != nil {
		return err
	}
	svc, err := s.privacy()
	if err != nil {
		return err
	}
	// Built in memory first, so an error is still a JSON error.
	var buf bytes.Buffer
	if err := svc.Export(r.Context(), id, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="customer-`+id.String()+`.zip"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

type retentionRequest struct {
	ClosedDays int `json:"closed_days"`
	FileDays   int `json:"file_days"`
}

// handleQueueRetention sets a queue's retention policy (admin).
func (s *Server) handleQueueRetention(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.privacyStore(r, "SetRetentionPolicy")
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req retentionRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	p := desk.RetentionPolicy{QueueID: id, ClosedDays: req.ClosedDays, FileDays: req.FileDays}
	if err := ps.SetRetentionPolicy(r.Context(), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// handleRetention lists the queues' policies with what is due now (a dry
// run: nothing is deleted).
func (s *Server) handleRetention(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.privacyStore(r, "FindRetentionPolicies")
	if err != nil {
		return err
	}
	pols, err := ps.FindRetentionPolicies(r.Context())
	if err != nil {
		return err
	}
	due, err := ps.ApplyRetention(r.Context(), s.cfg.Clock.Now(), true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": pols, "next_cursor": "", "due": due})
	return nil
}

// privacy is the configured data-protection service; EINVALID without
// one.
func (s *Server) privacy() (*privacy.Service, error) {
	if s.cfg.Privacy == nil {
		return nil, desk.Errorf(desk.EINVALID, "this server cannot erase or export customers")
	}
	return s.cfg.Privacy, nil
}

func (s *Server) privacyStore(r *http.Request, op string) (desk.PrivacyStore, error) {
	if err := access.Require(r.Context(), op); err != nil {
		return nil, err
	}
	return s.cfg.Store, nil
}
