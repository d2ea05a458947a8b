package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type inboundRequest struct {
	Channel    string `json:"channel"`
	From       string `json:"from"`
	To         string `json:"to"`
	Text       string `json:"text"`
	Type       string `json:"type"`
	ExternalID string `json:"external_id"`
}

// handleInbound is the generic API channel: 201 with what was created, or
// 200 with the original when external_id was seen before.
func (s *Server) handleInbound(w http.ResponseWriter, r *http.Request) error {
	var req inboundRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	in := &desk.InboundMessage{Channel: req.Channel, From: req.From, To: req.To, Text: req.Text, Type: req.Type, ExternalID: req.ExternalID}
	res, err := s.inbound.Ingest(desk.NewContextWithActor(r.Context(), desk.SystemActor), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}
