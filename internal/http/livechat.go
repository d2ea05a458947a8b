package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// visitorServer is a Live Chat adapter: it runs a visitor's WebSocket.
type visitorServer interface {
	ServeVisitor(w http.ResponseWriter, r *http.Request, cfg *desk.ChannelConfig, in desk.ChannelInbound) error
}

// seenPusher tells a chat visitor that the agent has read the thread.
type seenPusher interface {
	PushSeen(visitor string) int
}

// handleWidget serves the Live Chat widget script, which any site may
// embed; it is public and cached for an hour.
func (s *Server) handleWidget(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Widget == nil {
		writeWebNotBuilt(w, "the Live Chat widget")
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Content-Length", strconv.Itoa(len(s.cfg.Widget)))
	_, _ = w.Write(s.cfg.Widget)
	return nil
}

// handleLiveChatSocket upgrades a visitor's connection to the WebSocket of
// a Live Chat channel; the visitor's session token, sent in the first
// frame, authenticates them.
func (s *Server) handleLiveChatSocket(w http.ResponseWriter, r *http.Request) error {
	cfg, ch, err := s.liveChat(r.Context(), r, "channel_id")
	if err != nil {
		return err
	}
	v, ok := ch.(visitorServer)
	if !ok {
		return desk.Errorf(desk.ENOTFOUND, "channel not found")
	}
	return v.ServeVisitor(w, r, cfg, s.inbound)
}

// handleConversationSeen records that the agent has read a conversation:
// on Live Chat the visitor's widgets show their messages as seen (D2, seen
// receipts both ways). Answers how many widgets were told.
func (s *Server) handleConversationSeen(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.FindConversationByID(r.Context(), id)
	if err != nil {
		return err
	}
	told := 0
	cs, csErr := s.channelStore()
	if c.Channel == desk.ChannelLiveChat && csErr == nil {
		sys := desk.NewContextWithActor(r.Context(), desk.SystemActor)
		if cfg, err := cs.FindChannelBySender(sys, desk.ChannelLiveChat, c.SenderAddress); err == nil {
			if ch, err := s.cfg.Channels.Adapter(cfg); err == nil {
				if p, ok := ch.(seenPusher); ok {
					told = p.PushSeen(c.ContactAddress)
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]int{"notified": told})
	return nil
}

// liveChat finds a Live Chat channel by the request's path value and its
// adapter; any other channel is ENOTFOUND.
func (s *Server) liveChat(ctx context.Context, r *http.Request, name string) (*desk.ChannelConfig, desk.Channel, error) {
	cs, err := s.channelStore()
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, name)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := cs.FindChannelByID(desk.NewContextWithActor(ctx, desk.SystemActor), id)
	if err != nil {
		return nil, nil, err
	} else if cfg.Kind != desk.ChannelLiveChat {
		return nil, nil, desk.Errorf(desk.ENOTFOUND, "channel not found")
	}
	ch, err := s.cfg.Channels.Adapter(cfg)
	return cfg, ch, err
}
