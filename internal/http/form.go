package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type formRequest struct {
	Name   string           `json:"name"`
	Fields []desk.FormField `json:"fields"`
}

// handleFormList lists the forms agents pick for a conversation (C10).
func (s *Server) handleFormList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindForms(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

// handleFormCreate defines a form (supervisors and admins).
func (s *Server) handleFormCreate(w http.ResponseWriter, r *http.Request) error {
	var req formRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	f := &desk.Form{Name: req.Name, Fields: req.Fields}
	if err := s.cfg.Store.CreateForm(r.Context(), f); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) handleFormGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.cfg.Store.FindFormByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) handleFormUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.FormUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	f, err := s.cfg.Store.UpdateForm(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) handleFormDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteForm(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
