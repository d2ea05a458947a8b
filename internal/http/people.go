package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleCustomerMerge unites other_id into the customer (F1, supervisors).
func (s *Server) handleCustomerMerge(w http.ResponseWriter, r *http.Request) error {
	id, other, err := s.mergeRequest(r)
	if err != nil {
		return err
	}
	c, err := s.merges.Customers(r.Context(), id, other)
	if err != nil {
		return err
	}
	if actor, err := desk.RequireActor(r.Context()); err == nil {
		s.auth.Audit(r.Context(), &desk.AuditEntry{Type: desk.AuditCustomersMerged, ActorID: &actor.AgentID,
			Detail: map[string]any{"customer_id": id.String(), "merged_id": other.String()}})
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// handleCustomerDuplicates lists possible duplicate customers for
// supervisors to merge.
func (s *Server) handleCustomerDuplicates(w http.ResponseWriter, r *http.Request) error {
	n, err := queryLimit(r)
	if err != nil {
		return err
	}
	items, err := s.cfg.Store.FindDuplicateCustomers(r.Context(), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

// handleCustomerHistory lists a customer's conversations newest first
// (F3): 5 by default, next_cursor for "show more", 1000 at most.
func (s *Server) handleCustomerHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := desk.HistoryFilter{Channel: r.URL.Query().Get("channel"), Cursor: r.URL.Query().Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	return s.writeCached(w, r, false, func() (any, error) {
		items, next, err := s.cfg.Store.FindCustomerConversations(r.Context(), id, f)
		return newList(items, next), err
	})
}

// handleConversationLink links the conversation to a customer (F2).
func (s *Server) handleConversationLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		CustomerID desk.ID `json:"customer_id"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.CustomerID == 0 {
		return desk.FieldErrorf("customer_id", "customer_id is required")
	}
	c, err := s.cfg.Store.LinkConversation(r.Context(), id, &req.CustomerID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// handleConversationUnlink detaches the conversation from its customer.
func (s *Server) handleConversationUnlink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.LinkConversation(r.Context(), id, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
