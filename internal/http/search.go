package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// handleSearch is the global search (G1): GET /api/v1/search?q=&type=&cursor=&limit=.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	sq := desk.SearchQuery{Text: q.Get("q"), Type: q.Get("type"), Cursor: q.Get("cursor")}
	var err error
	if sq.Limit, err = queryLimit(r); err != nil {
		return err
	}
	// A repeated search is answered from the read cache while the database
	// is unchanged (Cache-Control: no-cache computes it anew).
	return s.writeCached(w, r, false, func() (any, error) { return s.cfg.Store.Search(r.Context(), sq) })
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
