package http

import (
	"net/http"
)

func (s *Server) handleTagList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindTags(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) handleTagCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	t, err := s.cfg.Store.CreateTag(r.Context(), req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) handleTagDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Store.DeleteTag(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
