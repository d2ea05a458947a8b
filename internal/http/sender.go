package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleConversationSenders lists the senders a reply may go out from
// (E4): ?channel= picks another of the conversation's channels.
func (s *Server) handleConversationSenders(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	choice, err := s.outbound.ReplySenders(r.Context(), id, r.URL.Query().Get("channel"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, choice)
	return nil
}

// handleNewConversationSenders lists the senders a new conversation on
// ?channel= may start from (E4), for ?queue_id= or the caller's queues.
func (s *Server) handleNewConversationSenders(w http.ResponseWriter, r *http.Request) error {
	q, err := queryID(r, "queue_id")
	if err != nil {
		return err
	}
	var queueID desk.ID
	if q != nil {
		queueID = *q
	}
	choice, err := s.outbound.NewSenders(r.Context(), r.URL.Query().Get("channel"), queueID, r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, choice)
	return nil
}
