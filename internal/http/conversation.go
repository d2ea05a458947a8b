package http

import (
	"encoding/json"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/compose"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// conversationCreateRequest is a new outbound conversation (C2): From is
// channel + sender_address; To is customer_id (+ contact_address when the
// customer has several contacts on the channel) or a typed address in to.
// The first message is text, or type with template, location or
// attachments.
type conversationCreateRequest struct {
	Channel        string     `json:"channel"`
	SenderAddress  string     `json:"sender_address"`
	CustomerID     desk.ID    `json:"customer_id"`
	ContactAddress string     `json:"contact_address"`
	To             string     `json:"to"`
	CC             []string   `json:"cc"`
	BCC            []string   `json:"bcc"`
	QueueID        desk.ID    `json:"queue_id"`
	AssigneeID     optionalID `json:"assignee_id"`
	// AgentID is the guide's "Agent" field: assignee_id by another name.
	AgentID     *desk.ID           `json:"agent_id"`
	FormID      *desk.ID           `json:"form_id"`
	FormValues  map[string]any     `json:"form_values"`
	Status      string             `json:"status"`
	Priority    string             `json:"priority"`
	Tags        []string           `json:"tags"`
	Subject     string             `json:"subject"`
	Topic       string             `json:"topic"`
	Type        string             `json:"type"`
	Text        string             `json:"text"`
	Template    *desk.TemplateCall `json:"template"`
	Location    *desk.Location     `json:"location"`
	Attachments []desk.Attachment  `json:"attachments"`
}

// optionalID tells an absent ID (Set false) from an explicit null (Set
// true, ID nil): a new conversation without assignee_id goes to the agent
// starting it, with "assignee_id": null to nobody.
type optionalID struct {
	Set bool
	ID  *desk.ID
}

func (o *optionalID) UnmarshalJSON(b []byte) error {
	o.Set = true
	return json.Unmarshal(b, &o.ID)
}

func (s *Server) handleConversationList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.ConversationFilter{View: q.Get("view"), Sort: q.Get("sort"), Status: q.Get("status"), Channel: q.Get("channel"),
		Tag: q.Get("tag"), Priority: q.Get("priority"), Cursor: q.Get("cursor")}
	// The query is parsed once (it was five times a page).
	var err error
	if f.QueueID, err = valuesID(q, "queue_id"); err != nil {
		return err
	}
	if f.AssigneeID, err = valuesID(q, "assignee_id"); err != nil {
		return err
	}
	if f.CustomerID, err = valuesID(q, "customer_id"); err != nil {
		return err
	}
	if f.Limit, err = valuesLimit(q); err != nil {
		return err
	}
	// The page is answered from the read cache while the database is
	// unchanged; "mine" names the agent, whatever their access.
	return s.writeCached(w, r, f.View == desk.ViewMine, func() (any, error) {
		items, next, err := s.cfg.Store.FindConversationRows(r.Context(), f)
		if err != nil {
			return nil, err
		}
		return s.listRows.render(items, next)
	})
}

// handleConversationCreate starts an outbound conversation: 201, or 409
// ongoing_conversation / ongoing_with_other_agent (C4).
func (s *Server) handleConversationCreate(w http.ResponseWriter, r *http.Request) error {
	var req conversationCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.AgentID != nil {
		if req.AssigneeID.ID != nil && *req.AssigneeID.ID != *req.AgentID {
			return desk.FieldErrorf("agent_id", "agent_id and assignee_id name different agents")
		}
		req.AssigneeID = optionalID{Set: true, ID: req.AgentID}
	}
	res, err := s.compose.Start(r.Context(), compose.Request{Channel: req.Channel, Sender: req.SenderAddress,
		CustomerID: req.CustomerID, ContactAddress: req.ContactAddress, To: req.To, CC: req.CC, BCC: req.BCC,
		QueueID: req.QueueID, AssigneeID: req.AssigneeID.ID, Unassigned: req.AssigneeID.Set && req.AssigneeID.ID == nil,
		FormID: req.FormID, FormValues: req.FormValues, Status: req.Status, Priority: req.Priority, Tags: req.Tags,
		Subject: req.Subject, Topic: req.Topic, Message: &outbound.ReplyRequest{Type: req.Type, Text: req.Text,
			Template: req.Template, Location: req.Location, Attachments: req.Attachments}})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (s *Server) handleConversationGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.writeCached(w, r, false, func() (any, error) {
		c, err := s.cfg.Store.FindConversationRow(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return s.listRows.renderOne(c)
	})
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
	c, err := s.surveys.UpdateConversation(r.Context(), id, upd)
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
