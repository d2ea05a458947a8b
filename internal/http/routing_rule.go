package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type routingRuleRequest struct {
	Position       int     `json:"position"`
	Name           string  `json:"name"`
	Channel        string  `json:"channel"`
	Sender         string  `json:"sender"`
	Receiver       string  `json:"receiver"`
	Keyword        string  `json:"keyword"`
	AttributeKey   string  `json:"attribute_key"`
	AttributeValue string  `json:"attribute_value"`
	QueueID        desk.ID `json:"queue_id"`
}

func (s *Server) handleRoutingRuleList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindRoutingRules(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) handleRoutingRuleCreate(w http.ResponseWriter, r *http.Request) error {
	var req routingRuleRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	rule := &desk.RoutingRule{Position: req.Position, Name: req.Name, Channel: req.Channel, Sender: req.Sender, Receiver: req.Receiver,
		Keyword: req.Keyword, AttributeKey: req.AttributeKey, AttributeValue: req.AttributeValue, QueueID: req.QueueID}
	if err := s.keyRule(r.Context(), rule.Channel, &rule.Sender, &rule.Receiver); err != nil {
		return err
	}
	if err := s.cfg.Store.CreateRoutingRule(r.Context(), rule); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rule)
	return nil
}

func (s *Server) handleRoutingRuleUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.RoutingRuleUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	if err := s.keyRuleUpdate(r.Context(), id, &upd); err != nil {
		return err
	}
	rule, err := s.cfg.Store.UpdateRoutingRule(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) handleRoutingRuleDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteRoutingRule(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
