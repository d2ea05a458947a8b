package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// cardRequest configures a context card; secret is write-only.
type cardRequest struct {
	Name   string           `json:"name"`
	URL    string           `json:"url"`
	Fields []desk.CardField `json:"fields"`
	Secret string           `json:"secret"`
}

func (s *Server) handleCardList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindCards(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) handleCardCreate(w http.ResponseWriter, r *http.Request) error {
	var req cardRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.Card{Name: req.Name, URL: req.URL, Fields: req.Fields, Secret: req.Secret}
	if err := s.cfg.Store.CreateCard(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleCardGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.FindCardByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleCardUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.CardUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	c, err := s.cfg.Store.UpdateCard(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleCardDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteCard(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleConversationCards fetches every card for the conversation; a
// failing endpoint is an error card in a 200 answer.
func (s *Server) handleConversationCards(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.cards.Cards(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

// handleConversationCardEdit writes edited field values back.
func (s *Server) handleConversationCardEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cardID, err := pathID(r, "card_id")
	if err != nil {
		return err
	}
	var req struct {
		Values map[string]any `json:"values"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	v, err := s.cards.Edit(r.Context(), id, cardID, req.Values)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
