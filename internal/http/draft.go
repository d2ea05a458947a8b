package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleDraftGet returns the caller's draft of the conversation (H2).
func (s *Server) handleDraftGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The conversation must be visible (404 otherwise); no draft of the
	// caller's is an empty answer (204), which the composer opens with.
	if _, err := s.cfg.Store.FindConversationByID(r.Context(), id); err != nil {
		return err
	}
	d, err := s.cfg.Store.FindDraft(r.Context(), id)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		w.WriteHeader(http.StatusNoContent)
		return nil
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// handleDraftSave stores the caller's draft, sent on every change.
func (s *Server) handleDraftSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text    string   `json:"text"`
		Subject string   `json:"subject"`
		CC      []string `json:"cc"`
		BCC     []string `json:"bcc"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	d := &desk.Draft{ConversationID: id, Text: req.Text, Subject: req.Subject, CC: req.CC, BCC: req.BCC}
	if err := s.cfg.Store.SaveDraft(r.Context(), d); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) handleDraftDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteDraft(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleDraftSend sends the draft and sets the status in one call.
func (s *Server) handleDraftSend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Status string `json:"status"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c, rep, err := s.outbound.SendDraft(r.Context(), id, req.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": c, "message": rep.Message})
	return nil
}
