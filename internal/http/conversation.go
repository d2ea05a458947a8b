package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type conversationCreateRequest struct {
	Channel        string   `json:"channel"`
	CustomerID     desk.ID  `json:"customer_id"`
	QueueID        desk.ID  `json:"queue_id"`
	AssigneeID     *desk.ID `json:"assignee_id"`
	Status         string   `json:"status"`
	Priority       string   `json:"priority"`
	Tags           []string `json:"tags"`
	Topic          string   `json:"topic"`
	Summary        string   `json:"summary"`
	ContactAddress string   `json:"contact_address"`
	SenderAddress  string   `json:"sender_address"`
}

func (s *Server) handleConversationList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.ConversationFilter{View: q.Get("view"), Sort: q.Get("sort"), Status: q.Get("status"), Channel: q.Get("channel"),
		Tag: q.Get("tag"), Priority: q.Get("priority"), Cursor: q.Get("cursor")}
	var err error
	for name, dst := range map[string]**desk.ID{"queue_id": &f.QueueID, "assignee_id": &f.AssigneeID, "customer_id": &f.CustomerID} {
		if *dst, err = queryID(r, name); err != nil {
			return err
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := s.cfg.Store.FindConversations(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleConversationCreate(w http.ResponseWriter, r *http.Request) error {
	var req conversationCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.Conversation{Channel: req.Channel, CustomerID: req.CustomerID, QueueID: req.QueueID, AssigneeID: req.AssigneeID,
		Status: req.Status, Priority: req.Priority, Tags: req.Tags, Topic: req.Topic, Summary: req.Summary,
		ContactAddress: req.ContactAddress, SenderAddress: req.SenderAddress}
	if err := s.cfg.Store.CreateConversation(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleConversationGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.FindConversationByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleConversationUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.ConversationUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	c, err := s.cfg.Store.UpdateConversation(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// handleConversationAssign takes or assigns (B4): 409 already_assigned
// names the holder.
func (s *Server) handleConversationAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		AgentID desk.ID `json:"agent_id"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.AgentID == 0 {
		return desk.FieldErrorf("agent_id", "agent_id is required")
	}
	c, err := s.cfg.Store.AssignConversation(r.Context(), id, req.AgentID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleConversationUnassign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.UnassignConversation(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleConversationTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var t desk.Transfer
	if err := s.decode(r, &t); err != nil {
		return err
	}
	c, err := s.cfg.Store.TransferConversation(r.Context(), id, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleEventList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.cfg.Store.FindEvents(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}
