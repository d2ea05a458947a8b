package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type customerCreateRequest struct {
	Name       string            `json:"name"`
	Gender     string            `json:"gender"`
	City       string            `json:"city"`
	Country    string            `json:"country"`
	Tags       []string          `json:"tags"`
	Attributes map[string]string `json:"attributes"`
	Contacts   []desk.Contact    `json:"contacts"`
}

func (s *Server) handleCustomerList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.CustomerFilter{Query: q.Get("q"), Tag: q.Get("tag"), Channel: q.Get("channel"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	items, next, err := s.cfg.Store.FindCustomers(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

func (s *Server) handleCustomerCreate(w http.ResponseWriter, r *http.Request) error {
	var req customerCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c := &desk.Customer{Name: req.Name, Gender: req.Gender, City: req.City, Country: req.Country,
		Tags: req.Tags, Attributes: req.Attributes, Contacts: req.Contacts}
	if err := s.phones.Contacts(r.Context(), c.Contacts); err != nil {
		return err
	}
	if err := s.cfg.Store.CreateCustomer(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleCustomerGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.writeCached(w, r, false, func() (any, error) { return s.cfg.Store.FindCustomerByID(r.Context(), id) })
}

func (s *Server) handleCustomerUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd desk.CustomerUpdate
	if err := s.decode(r, &upd); err != nil {
		return err
	}
	if upd.Contacts != nil {
		if err := s.phones.Contacts(r.Context(), *upd.Contacts); err != nil {
			return err
		}
	}
	c, err := s.cfg.Store.UpdateCustomer(r.Context(), id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
