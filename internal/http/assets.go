package http

import (
	"io/fs"
	"net/http"
	"strings"
)

// registerAssets serves the web workspace at / with a fallback to
// index.html for the app's client-side routes.
func (s *Server) registerAssets() {
	if s.cfg.Assets == nil {
		s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusNotFound, errorBody{Error: errorDetail{Code: "not_found", Message: "no such endpoint"}})
		}))
		return
	}
	files := http.FileServerFS(s.cfg.Assets)
	s.mux.Handle("GET /", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if strings.HasPrefix(p, "api/") {
			writeJSON(w, http.StatusNotFound, errorBody{Error: errorDetail{Code: "not_found", Message: "no such endpoint"}})
			return
		}
		if p != "" {
			if _, err := fs.Stat(s.cfg.Assets, p); err != nil {
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/"
				files.ServeHTTP(w, r2)
				return
			}
		}
		files.ServeHTTP(w, r)
	}))
}
