package http

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

var newline = []byte{'\n'}

// handleSearch is the global search (G1): GET /api/v1/search?q=&type=&cursor=&limit=.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// Cache-Control: no-cache asks for an answer computed anew rather than
	// one the store remembers from an unchanged database (same result).
	sq := desk.SearchQuery{Text: q.Get("q"), Type: q.Get("type"), Cursor: q.Get("cursor"),
		Fresh: strings.Contains(r.Header.Get("Cache-Control"), "no-cache")}
	var err error
	if sq.Limit, err = queryLimit(r); err != nil {
		return err
	}
	res, err := s.cfg.Store.Search(r.Context(), sq)
	if err != nil {
		return err
	}
	// A repeated search's result may be shared, and encoded once.
	b, err := res.JSON()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	_, _ = w.Write(newline)
	return nil
}

// handleConversationSearch is the in-conversation search (D8):
// GET /api/v1/conversations/{id}/search?q= lists the matching messages,
// oldest first, with the offsets of the matched words.
func (s *Server) handleConversationSearch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	matches, err := s.cfg.Store.SearchInConversation(r.Context(), id, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(matches, ""))
	return nil
}
