package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// messageCreateRequest is a reply, or an internal note with type "note".
type messageCreateRequest struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func (s *Server) handleMessageList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := desk.MessageFilter{Cursor: r.URL.Query().Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := s.cfg.Store.FindMessages(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleMessageCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req messageCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	m := &desk.Message{ConversationID: id, Text: req.Text, Type: req.Type}
	if req.Type == desk.KindNote {
		m.Kind, m.Type = desk.KindNote, desk.TypeText
	}
	if err := s.cfg.Store.CreateMessage(r.Context(), m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}
