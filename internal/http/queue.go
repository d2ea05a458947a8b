package http

import (
	"context"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type queueCreateRequest struct {
	Name            string            `json:"name"`
	AutoAssign      bool              `json:"auto_assign"`
	ReturnOnOffline bool              `json:"return_on_offline"`
	DefaultSenders  map[string]string `json:"default_senders"`
	SurveyEnabled   bool              `json:"survey_enabled"`
	// AgentsAssignColleagues: see desk.Queue (C2).
	AgentsAssignColleagues bool `json:"agents_assign_colleagues"`
	// ServiceLevelSeconds: see desk.Queue (issue 23).
	ServiceLevelSeconds int `json:"service_level_seconds"`
}

func (s *Server) handleQueueList(w http.ResponseWriter, r *http.Request) error {
	items, next, err := s.cfg.Store.FindQueues(r.Context(), desk.QueueFilter{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleQueueCreate(w http.ResponseWriter, r *http.Request) error {
	var req queueCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	q := &desk.Queue{Name: req.Name, AutoAssign: req.AutoAssign, ReturnOnOffline: req.ReturnOnOffline, DefaultSenders: req.DefaultSenders, SurveyEnabled: req.SurveyEnabled,
		AgentsAssignColleagues: req.AgentsAssignColleagues, ServiceLevelSeconds: req.ServiceLevelSeconds}
	s.keySenders(r.Context(), q.DefaultSenders)
	if err := s.cfg.Store.CreateQueue(r.Context(), q); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, q)
	return nil
}

func (s *Server) handleQueueGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q, err := s.cfg.Store.FindQueueByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) handleQueueUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.QueueUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	if upd.DefaultSenders != nil {
		s.keySenders(r.Context(), *upd.DefaultSenders)
	}
	q, err := s.cfg.Store.UpdateQueue(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) handleQueueDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteQueue(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleQueueMemberAdd(w http.ResponseWriter, r *http.Request) error {
	return s.queueMember(w, r, s.cfg.Store.AddQueueMember)
}

func (s *Server) handleQueueMemberRemove(w http.ResponseWriter, r *http.Request) error {
	return s.queueMember(w, r, s.cfg.Store.RemoveQueueMember)
}

func (s *Server) queueMember(w http.ResponseWriter, r *http.Request, op func(context.Context, desk.ID, desk.ID) error) error {
	qid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "agent_id")
	if err != nil {
		return err
	}
	if err := op(r.Context(), qid, aid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
