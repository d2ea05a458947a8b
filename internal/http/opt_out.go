package http

import (
	"net/http"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// optOutView says whether the customer of a conversation may be sent to
// on its channel: the workspace shows it above the composer.
type optOutView struct {
	OptedOut bool       `json:"opted_out"`
	Channel  string     `json:"channel"`
	Address  string     `json:"address"`
	Reason   string     `json:"reason,omitempty"`
	Since    *time.Time `json:"since,omitempty"`
}

// handleConversationOptOut serves GET /api/v1/conversations/{id}/opt-out
// to whoever may see the conversation.
func (s *Server) handleConversationOptOut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.FindConversationByID(r.Context(), id)
	if err != nil {
		return err
	}
	v := optOutView{Channel: c.Channel, Address: c.ContactAddress}
	if c.ContactAddress != "" {
		o, err := s.cfg.Store.FindOptOut(r.Context(), c.Channel, c.ContactAddress)
		switch desk.ErrorKind(err) {
		case "":
			v.OptedOut, v.Reason, v.Since = true, o.Reason, &o.CreatedAt
		case desk.ENOTFOUND:
		default:
			return err
		}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
