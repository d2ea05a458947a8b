package http

import (
	"context"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/phone"
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
	ctx := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	if err := s.keyInbound(ctx, nil, in); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if s.cfg.Router != nil {
		q, err := s.cfg.Router(ctx, in)
		if err != nil {
			return err
		}
		in.QueueID = q
	}
	res, err := s.cfg.Store.IngestMessage(ctx, in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	} else {
		s.metrics.ingested.Inc()
	}
	writeJSON(w, status, res)
	return nil
}

// keyInbound keys an inbound message's phone numbers (issue 16) as its
// channel reads them: the channel's country, else the server's; WhatsApp's
// digits as international numbers. cfg is nil on the API channel.
func (s *Server) keyInbound(ctx context.Context, cfg *desk.ChannelConfig, in *desk.InboundMessage) error {
	if !desk.ValidChannel(in.Channel) {
		return nil // Validate names it
	}
	pc := phone.ChannelContext(in.Channel, cfg, s.phones.Region)
	if cfg == nil {
		pc = s.phones.Context(ctx, in.Channel, in.To)
	}
	from, err := phone.Address("from", in.Channel, in.From, pc)
	if err != nil {
		return err
	}
	in.From, in.To = from, phone.Sender(in.Channel, in.To, pc)
	return nil
}
