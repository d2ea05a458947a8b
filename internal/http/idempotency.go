package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// idempotentRoutes are the POSTs that create something: a request to one
// of them with an Idempotency-Key header is run once per caller and key,
// and a retry (after a lost answer) gets the first response back.
// Integration tokens' creation is left out: its answer holds the secret,
// which is never stored.
var idempotentRoutes = map[string]bool{
	"POST /api/v1/conversations":                 true,
	"POST /api/v1/internal-conversations":        true,
	"POST /api/v1/conversations/{id}/messages":   true,
	"POST /api/v1/conversations/{id}/draft/send": true,
	"POST /api/v1/inbound":                       true,
	"POST /api/v1/customers":                     true,
	"POST /api/v1/agents":                        true,
	"POST /api/v1/queues":                        true,
	"POST /api/v1/statuses":                      true,
	"POST /api/v1/routing-rules":                 true,
	"POST /api/v1/templates":                     true,
	"POST /api/v1/macros":                        true,
	"POST /api/v1/forms":                         true,
	"POST /api/v1/cards":                         true,
	"POST /api/v1/tags":                          true,
	"POST /api/v1/channels":                      true,
}

// idempotencyStale is how long a first request may stay in progress
// before a retry takes its key over (the server died meanwhile).
const idempotencyStale = time.Minute

// maxIdempotentBody bounds a stored response.
const maxIdempotentBody = 1 << 20

// recorder keeps a copy of a response for the idempotency record.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len()+len(b) <= maxIdempotentBody {
		r.body.Write(b)
	} else {
		r.status = -1 // too large to keep
	}
	return r.ResponseWriter.Write(b)
}
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// idempotent runs h once per caller and Idempotency-Key: the first
// request's successful response is recorded and given back to retries
// with the same key and request (Idempotent-Replayed: true); the same key
// with another request is 400 idempotency_key_reused; a retry while the
// first is still running is 409 idempotency_in_progress. A failed first
// request records nothing, so a retry runs again. JSON bodies are part of
// the request's fingerprint; an upload's is its length and type.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, h handlerFunc) error {
	key := r.Header.Get("Idempotency-Key")
	is := s.cfg.Store
	if key == "" {
		return h(w, r)
	}
	if len(key) > 255 {
		return desk.FieldErrorf("Idempotency-Key", "the Idempotency-Key header is longer than 255 characters")
	}
	for _, c := range key {
		if c < 0x21 || c > 0x7e {
			return desk.FieldErrorf("Idempotency-Key", "the Idempotency-Key header holds visible ASCII characters only")
		}
	}
	fp := sha256.New()
	io.WriteString(fp, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+"\n"+r.Header.Get("Content-Type")+"\n")
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); !isUpload(r) || mt == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.BodyLimit+1))
		if err != nil {
			return err
		}
		fp.Write(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	} else {
		io.WriteString(fp, strconv.FormatInt(r.ContentLength, 10))
	}
	fingerprint := hex.EncodeToString(fp.Sum(nil))
	actor := desk.ActorFromContext(r.Context())
	principal := actor.Name
	if !identity(r.Context()).Integration {
		principal = "agent:" + actor.AgentID.String()
	}
	prev, err := is.BeginIdempotent(r.Context(), principal, key, fingerprint, idempotencyStale)
	if err != nil {
		return err
	}
	if prev != nil {
		switch {
		case prev.Fingerprint != fingerprint:
			return &desk.Error{Kind: desk.EINVALID, Code: "idempotency_key_reused", Field: "Idempotency-Key",
				Message: "this Idempotency-Key was used for another request"}
		case prev.Status == 0:
			e := desk.CodedErrorf(desk.ECONFLICT, "idempotency_in_progress", "the first request with this Idempotency-Key is still in progress; retry shortly")
			return e
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		io.WriteString(w, prev.Body)
		return nil
	}
	rec := &recorder{ResponseWriter: w}
	herr := h(rec, r)
	sys := desk.NewContextWithActor(r.Context(), desk.SystemActor)
	if herr == nil && rec.status >= 200 && rec.status < 300 {
		if err := is.FinishIdempotent(sys, principal, key, rec.status, rec.body.String()); err != nil {
			s.cfg.Logger.Error("idempotency: recording a response failed", "err", err)
		}
		return nil
	}
	if err := is.AbandonIdempotent(sys, principal, key); err != nil {
		s.cfg.Logger.Error("idempotency: forgetting a key failed", "err", err)
	}
	return herr
}
