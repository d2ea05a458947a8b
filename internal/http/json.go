package http

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// writeJSON renders v with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// list is the API's list shape.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}

// decode reads a JSON body strictly: size-limited, unknown fields refused,
// one value only, with field-level errors for wrong types.
func (s *Server) decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return desk.CodedErrorf(desk.EINVALID, "unsupported_media_type", "send the body as application/json")
		}
	}
	body := http.MaxBytesReader(nil, r.Body, s.cfg.BodyLimit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() || dec.Decode(&struct{}{}) != io.EOF {
			return desk.CodedErrorf(desk.EINVALID, "invalid_json", "the body must hold one JSON object")
		}
		desk.CleanStrings(v) // the text rule: no NUL or control characters
		return nil
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var de *desk.Error
	switch {
	case errors.As(err, &tooBig):
		return desk.CodedErrorf(desk.ETOOLARGE, "too_large", "the body is larger than %d bytes", s.cfg.BodyLimit)
	case errors.As(err, &typeErr):
		return &desk.Error{Kind: desk.EINVALID, Code: "invalid_type", Field: typeErr.Field, Message: typeErr.Field + " must be " + typeErr.Type.String()}
	case errors.As(err, &de):
		return de
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return desk.CodedErrorf(desk.EINVALID, "invalid_json", "the body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &desk.Error{Kind: desk.EINVALID, Code: "unknown_field", Field: f, Message: "unknown field " + f}
	}
	return desk.CodedErrorf(desk.EINVALID, "invalid_json", "the body is not valid: %v", err)
}

// pathID parses a path parameter as an ID (malformed → 404).
func pathID(r *http.Request, name string) (desk.ID, error) { return desk.ParseID(r.PathValue(name)) }

// queryID parses an optional ID query parameter.
func queryID(r *http.Request, name string) (*desk.ID, error) {
	return valuesID(r.URL.Query(), name)
}

// valuesID is queryID over a query already parsed.
func valuesID(q url.Values, name string) (*desk.ID, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	id, err := desk.ParseID(v)
	if err != nil {
		return nil, desk.FieldErrorf(name, "%s is not a valid ID", name)
	}
	return &id, nil
}

// queryLimit parses ?limit=.
func queryLimit(r *http.Request) (int, error) {
	return valuesLimit(r.URL.Query())
}

// valuesLimit is queryLimit over a query already parsed.
func valuesLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' || n > 100000 {
			return 0, desk.FieldErrorf("limit", "limit must be a positive number")
		}
		n = n*10 + int(c-'0')
	}
	if n == 0 {
		return 0, desk.FieldErrorf("limit", "limit must be a positive number")
	}
	return n, nil
}
