package http

import (
	"net/http"
	"strings"

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

// handleSLAStatuses answers the stored SLA status of several visible
// conversations at once (?ids=1,2,3, at most 200): the workspace's
// countdowns for the page of its list it shows, in one request.
func (s *Server) handleSLAStatuses(w http.ResponseWriter, r *http.Request) error {
	raw := r.URL.Query().Get("ids")
	var ids []desk.ID
	if raw != "" {
		for _, part := range strings.Split(raw, ",") {
			id, err := desk.ParseID(strings.TrimSpace(part))
			if err != nil {
				return desk.FieldErrorf("ids", "ids must be conversation IDs separated by commas")
			}
			ids = append(ids, id)
		}
	}
	items, err := s.cfg.Store.FindSLAStatuses(r.Context(), ids)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) handleOutOfHoursGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.cfg.Store.FindOutOfHours(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) handleOutOfHoursPut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Enabled  bool              `json:"enabled"`
		Text     string            `json:"text"`
		Channels map[string]string `json:"channels"`
	}
	if err := s.decode(r, &req); err != nil {
		return err
	}
	o := &desk.OutOfHours{QueueID: id, Enabled: req.Enabled, Text: strings.TrimSpace(req.Text), Channels: map[string]string{}}
	for ch, text := range req.Channels {
		o.Channels[ch] = strings.TrimSpace(text)
	}
	if err := s.cfg.Store.SetOutOfHours(r.Context(), o); err != nil {
		return err
	}
	if o, err = s.cfg.Store.FindOutOfHours(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// notificationList is the answer of GET /me/notifications.
type notificationList struct {
	Items  []*desk.Notification `json:"items"`
	Unread int                  `json:"unread"`
}

func (s *Server) handleNotificationList(w http.ResponseWriter, r *http.Request) error {
	n, err := queryLimit(r)
	if err != nil {
		return err
	}
	if n == 0 || n > 100 {
		n = 50
	}
	unread := false
	switch r.URL.Query().Get("unread") {
	case "", "false":
	case "true":
		unread = true
	default:
		return desk.FieldErrorf("unread", "unread must be true or false")
	}
	items, count, err := s.cfg.Store.FindNotifications(r.Context(), unread, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notificationList{Items: items, Unread: count})
	return nil
}

func (s *Server) handleNotificationRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.MarkNotificationRead(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleNotificationReadAll(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Store.MarkAllNotificationsRead(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
