package http

import (
	"net/http"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/presence"
)

type statusRequest struct {
	Status string `json:"status"`
}

// handleMeStatus sets the caller's own presence (A2, A4).
func (s *Server) handleMeStatus(w http.ResponseWriter, r *http.Request) error {
	return s.setStatus(w, r, desk.ActorFromContext(r.Context()).AgentID)
}

// handleAgentStatus sets another agent's presence (supervisor+).
func (s *Server) handleAgentStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.setStatus(w, r, id)
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request, agentID desk.ID) error {
	var req statusRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.Status == "" {
		return desk.FieldErrorf("status", "status is required")
	}
	a, err := s.cfg.Store.SetAgentStatus(r.Context(), agentID, req.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// handleMeHeartbeat records client activity (A5) for clients without a
// real-time connection.
func (s *Server) handleMeHeartbeat(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Store.TouchAgent(r.Context(), desk.ActorFromContext(r.Context()).AgentID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleStatusList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindCustomStatuses(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) handleStatusCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name       string `json:"name"`
		AllowsWork bool   `json:"allows_work"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.CustomStatus{Name: req.Name, AllowsWork: req.AllowsWork}
	if err := s.cfg.Store.CreateCustomStatus(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleStatusUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.CustomStatusUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	c, err := s.cfg.Store.UpdateCustomStatus(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleStatusDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteCustomStatus(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxReportSpan bounds a utilization report's period.
const maxReportSpan = 366 * 24 * time.Hour

// handleUtilization reports seconds per status per agent (A6) for
// ?from=&to= (RFC 3339; default: the last 24 hours).
func (s *Server) handleUtilization(w http.ResponseWriter, r *http.Request) error {
	to := time.Now().UTC()
	from := to.Add(-24 * time.Hour)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return desk.FieldErrorf(p.name, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z", p.name)
			}
			*p.dst = t
		}
	}
	if !to.After(from) {
		return desk.FieldErrorf("to", "to must be after from")
	} else if to.Sub(from) > maxReportSpan {
		return desk.FieldErrorf("to", "a report covers at most 366 days")
	}
	req := presence.ReportRequest{From: from, To: to, Timeline: r.URL.Query().Get("timeline") == "true"}
	var err error
	if req.QueueID, err = queryID(r, "queue_id"); err != nil {
		return err
	}
	if req.AgentID, err = queryID(r, "agent_id"); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		return desk.FieldErrorf("format", "format must be json or csv")
	}
	rep, err := presence.BuildReport(r.Context(), s.cfg.Store, req)
	if err != nil {
		return err
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="utilization-`+from.UTC().Format("20060102T150405Z")+`.csv"`)
		return rep.WriteCSV(w, req.Timeline)
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
