package http

import (
	"net/http"
	"strconv"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// statusOf maps error kinds to HTTP statuses (desk.StatusOf).
var statusOf = desk.StatusOf

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Field   string         `json:"field,omitempty"`
	Detail  map[string]any `json:"detail,omitempty"`
}

// writeError renders err in the API's error shape. Internal errors are
// logged with detail and shown as "internal error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := desk.ErrorKind(err)
	status, ok := statusOf[kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	if kind == desk.EINTERNAL {
		s.metrics.storeErrors.Inc()
		s.cfg.Logger.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusTooManyRequests {
		// Every throttled answer says when to try again.
		secs := 1
		if e, ok := err.(*desk.Error); ok {
			if n, ok := e.Detail["retry_after"].(int); ok && n > 0 {
				secs = n
			}
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if status == http.StatusRequestTimeout {
		w.Header().Set("Connection", "close")
	}
	body := errorBody{Error: errorDetail{Code: desk.ErrorCode(err), Message: desk.ErrorMessage(err), Field: desk.ErrorField(err)}}
	if e, ok := err.(*desk.Error); ok {
		body.Error.Detail = e.Detail
	}
	writeJSON(w, status, body)
}

// writeWebNotBuilt answers a request for a script the web build makes
// (what names it) when the binary was built without that build: 503
// web_not_built, so a deployment says what is missing instead of serving
// an empty script.
func writeWebNotBuilt(w http.ResponseWriter, what string) {
	writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: errorDetail{Code: "web_not_built",
		Message: what + " is not in this binary: build it with `make build` (the web build, then the binary)"}})
}
