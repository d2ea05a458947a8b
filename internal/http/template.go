package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type templateRequest struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	Language string `json:"language"`
}

// handleTemplateList serves the `/` quick pick: ?q= searches name and text.
func (s *Server) handleTemplateList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.TemplateFilter{Query: q.Get("q"), Kind: q.Get("kind"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := s.cfg.Store.FindTemplates(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleTemplateCreate(w http.ResponseWriter, r *http.Request) error {
	var req templateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	t := &desk.Template{Name: req.Name, Kind: req.Kind, Text: req.Text, Language: req.Language}
	if err := s.cfg.Store.CreateTemplate(r.Context(), t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) handleTemplateGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.cfg.Store.FindTemplateByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) handleTemplateUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.TemplateUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	t, err := s.cfg.Store.UpdateTemplate(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) handleTemplateDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteTemplate(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleTemplateRender fills a template's variables: all of a WhatsApp
// template's numbered variables are required (field variables).
func (s *Server) handleTemplateRender(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Variables []string `json:"variables"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	t, err := s.cfg.Store.FindTemplateByID(r.Context(), id)
	if err != nil {
		return err
	}
	text, err := t.Render(req.Variables)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"text": text, "template": t})
	return nil
}
