package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Service levels (issue 23): calendars, policies and a conversation's
// running targets. The store checks roles: reading is for any signed-in
// user, changing for supervisors and admins.

func (s *Server) handleCalendarList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.cfg.Store.FindCalendars(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

// calendarRequest is the writable part of a calendar.
type calendarRequest struct {
	Name     string               `json:"name"`
	TimeZone string               `json:"time_zone"`
	Hours    []desk.BusinessHours `json:"hours"`
	Holidays []string             `json:"holidays"`
}

func (s *Server) handleCalendarCreate(w http.ResponseWriter, r *http.Request) error {
	var req calendarRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.BusinessCalendar{Name: req.Name, TimeZone: req.TimeZone, Hours: req.Hours, Holidays: req.Holidays}
	if err := s.cfg.Store.CreateCalendar(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleCalendarGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.cfg.Store.FindCalendarByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleCalendarUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req calendarRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.BusinessCalendar{ID: id, Name: req.Name, TimeZone: req.TimeZone, Hours: req.Hours, Holidays: req.Holidays}
	if err := s.cfg.Store.UpdateCalendar(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleCalendarDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteCalendar(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// queueCalendar is the body and answer of PUT /queues/{id}/calendar.
type queueCalendar struct {
	CalendarID *desk.ID `json:"calendar_id"`
}

func (s *Server) handleQueueCalendarPut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req queueCalendar
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if err := s.cfg.Store.SetQueueCalendar(r.Context(), id, req.CalendarID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

func (s *Server) handleSLAPolicyList(w http.ResponseWriter, r *http.Request) error {
	q, err := queryID(r, "queue_id")
	if err != nil {
		return err
	}
	var queueID desk.ID
	if q != nil {
		queueID = *q
	}
	items, err := s.cfg.Store.FindSLAPolicies(r.Context(), queueID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) handleSLAPolicyCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		QueueID              desk.ID `json:"queue_id"`
		Priority             string  `json:"priority"`
		FirstResponseMinutes int     `json:"first_response_minutes"`
		NextResponseMinutes  int     `json:"next_response_minutes"`
		ResolutionMinutes    int     `json:"resolution_minutes"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	p := &desk.SLAPolicy{QueueID: req.QueueID, Priority: req.Priority, FirstResponseMinutes: req.FirstResponseMinutes,
		NextResponseMinutes: req.NextResponseMinutes, ResolutionMinutes: req.ResolutionMinutes}
	if err := s.cfg.Store.CreateSLAPolicy(r.Context(), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) handleSLAPolicyDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteSLAPolicy(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleConversationSLA(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := s.cfg.Store.FindSLAStatus(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
