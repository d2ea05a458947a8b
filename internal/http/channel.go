package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// channelView is a channel as admins see it: secrets masked, and the path
// to give the provider as its webhook URL.
type channelView struct {
	*desk.ChannelConfig
	Secrets     map[string]string `json:"secrets"`
	WebhookPath string            `json:"webhook_path"`
}

func newChannelView(c *desk.ChannelConfig) channelView {
	return channelView{ChannelConfig: c, Secrets: c.MaskedSecrets(), WebhookPath: "/webhooks/" + c.Provider + "/" + c.ID.String()}
}

type channelCreateRequest struct {
	Kind     string            `json:"kind"`
	Provider string            `json:"provider"`
	Name     string            `json:"name"`
	Sender   string            `json:"sender"`
	QueueID  *desk.ID          `json:"queue_id"`
	Settings map[string]string `json:"settings"`
	Secrets  map[string]string `json:"secrets"`
}

// channelStore returns the store's channel services; ENOTFOUND when the
// server has no channel adapters.
func (s *Server) channelStore() (desk.ChannelStore, error) {
	if s.cfg.Channels == nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "channels are not configured on this server")
	}
	return s.cfg.Store, nil
}

func (s *Server) handleChannelList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	items, err := cs.FindChannels(r.Context())
	if err != nil {
		return err
	}
	views := make([]channelView, len(items))
	for i, c := range items {
		views[i] = newChannelView(c)
	}
	writeJSON(w, http.StatusOK, newList(views, ""))
	return nil
}

// channelSummary is a channel as every agent sees it: what the workspace
// can send on, without settings or secrets.
type channelSummary struct {
	ID      desk.ID  `json:"id"`
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Sender  string   `json:"sender"`
	QueueID *desk.ID `json:"queue_id"`
}

// handleMyChannels lists the configured channels for any signed-in agent
// (channel pickers; the composer says when a channel cannot send). A
// server without channel configuration answers an empty list.
func (s *Server) handleMyChannels(w http.ResponseWriter, r *http.Request) error {
	out := []channelSummary{}
	if cs, err := s.channelStore(); err == nil {
		items, err := cs.FindChannelSummaries(r.Context())
		if err != nil {
			return err
		}
		for _, c := range items {
			out = append(out, channelSummary{ID: c.ID, Kind: c.Kind, Name: c.Name, Sender: c.Sender, QueueID: c.QueueID})
		}
	}
	writeJSON(w, http.StatusOK, newList(out, ""))
	return nil
}

// handleChannelCreate stores a channel after its adapter accepted the
// configuration, so a channel that could never work is refused up front.
func (s *Server) handleChannelCreate(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	if err := access.Require(r.Context(), "CreateChannel"); err != nil {
		return err
	}
	var req channelCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.ChannelConfig{Kind: req.Kind, Provider: req.Provider, Name: req.Name, Sender: req.Sender, QueueID: req.QueueID,
		Settings: req.Settings, Secrets: req.Secrets}
	if c.Provider == "" {
		c.Provider = s.cfg.Channels.DefaultProvider(c.Kind)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.keyChannel(c); err != nil {
		return err
	}
	if _, err := s.cfg.Channels.Adapter(c); err != nil {
		return err
	}
	if err := cs.CreateChannel(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newChannelView(c))
	return nil
}

func (s *Server) handleChannelGet(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := cs.FindChannelByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newChannelView(c))
	return nil
}

// handleChannelUpdate checks the updated configuration with its adapter
// before storing it.
func (s *Server) handleChannelUpdate(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.ChannelUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	cur, err := cs.FindChannelByID(r.Context(), id)
	if err != nil {
		return err
	}
	upd.Apply(cur)
	if err := s.keyChannel(cur); err != nil {
		return err
	}
	if upd.Sender != nil {
		upd.Sender = &cur.Sender
	}
	if _, err := s.cfg.Channels.Adapter(cur); err != nil {
		return err
	}
	c, err := cs.UpdateChannel(r.Context(), id, upd)
	s.webhookChannels.forget(id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newChannelView(c))
	return nil
}

func (s *Server) handleChannelDelete(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = cs.DeleteChannel(r.Context(), id)
	s.webhookChannels.forget(id)
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleDeadLetterList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	f := desk.DeadLetterFilter{Cursor: r.URL.Query().Get("cursor")}
	if f.ChannelID, err = queryID(r, "channel_id"); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := cs.FindDeadLetters(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}
