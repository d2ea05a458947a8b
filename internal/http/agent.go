package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

type agentCreateRequest struct {
	Email           string         `json:"email"`
	Name            string         `json:"name"`
	Password        string         `json:"password"`
	Role            desk.Role      `json:"role"`
	Capacity        *int           `json:"capacity"`
	ChannelCapacity map[string]int `json:"channel_capacity"`
	QueueIDs        []desk.ID      `json:"queue_ids"`
}

func (s *Server) handleAgentList(w http.ResponseWriter, r *http.Request) error {
	f := desk.AgentFilter{Cursor: r.URL.Query().Get("cursor")}
	var err error
	if f.QueueID, err = queryID(r, "queue_id"); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := s.cfg.Store.FindAgents(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleAgentCreate(w http.ResponseWriter, r *http.Request) error {
	if err := access.Require(r.Context(), "CreateAgent"); err != nil {
		return err
	}
	var req agentCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if len(req.Password) < auth.MinPasswordLength {
		return desk.FieldErrorf("password", "password must be at least %d characters", auth.MinPasswordLength)
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return err
	}
	a := &desk.Agent{Email: req.Email, Name: req.Name, Role: req.Role, Capacity: desk.DefaultCapacity,
		ChannelCapacity: req.ChannelCapacity, QueueIDs: req.QueueIDs, PasswordHash: hash}
	if req.Capacity != nil {
		a.Capacity = *req.Capacity
	}
	if err := s.cfg.Store.CreateAgent(r.Context(), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) handleAgentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.cfg.Store.FindAgentByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

type agentUpdateRequest struct {
	desk.AgentUpdate
	Password *string `json:"password"`
}

func (s *Server) handleAgentUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req agentUpdateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	actor := desk.ActorFromContext(r.Context())
	if req.Password != nil {
		if id == actor.AgentID {
			return desk.FieldErrorf("password", "change your own password with PUT /api/v1/me/password")
		}
		if len(*req.Password) < auth.MinPasswordLength {
			return desk.FieldErrorf("password", "password must be at least %d characters", auth.MinPasswordLength)
		}
		h, err := auth.HashPassword(*req.Password)
		if err != nil {
			return err
		}
		req.PasswordHash = &h
	}
	before, err := s.cfg.Store.FindAgentByID(r.Context(), id)
	if err != nil {
		return err
	}
	a, err := s.cfg.Store.UpdateAgent(r.Context(), id, req.AgentUpdate)
	if err != nil {
		return err
	}
	s.auth.AgentChanged(a.ID)
	if a.Role != before.Role {
		s.auth.Audit(r.Context(), &desk.AuditEntry{Type: desk.AuditRoleChanged, ActorID: &actor.AgentID, AgentID: &a.ID,
			Detail: map[string]any{"from": string(before.Role), "to": string(a.Role)}})
	}
	if req.Password != nil {
		// Whoever knew the old password is signed out everywhere.
		revoked, err := s.auth.RevokeAgentSessions(r.Context(), a.ID, 0)
		if err != nil {
			return err
		}
		s.auth.Audit(r.Context(), &desk.AuditEntry{Type: desk.AuditPasswordChanged, ActorID: &actor.AgentID, AgentID: &a.ID,
			Detail: map[string]any{"by_admin": true, "revoked_sessions": len(revoked)}})
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
