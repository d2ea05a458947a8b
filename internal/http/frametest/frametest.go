// Package frametest checks WebSocket frames against the frame schemas of
// the API contract, internal/http/openapi.json, with kin-openapi: the
// tests of the live feed (internal/realtime) and of Live Chat validate the
// frames they read and send, so the document cannot drift from the
// frames any more than from the HTTP responses (see contract_test.go).
package frametest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The frame schemas: the union of each socket's frames in each direction,
// discriminated by type.
const (
	Server          = "WsServerFrame"        // GET /api/v1/ws, server → client
	Client          = "WsClientFrame"        // GET /api/v1/ws, client → server
	LiveChatServer  = "LiveChatServerFrame"  // the Live Chat socket, server → visitor
	LiveChatVisitor = "LiveChatVisitorFrame" // the Live Chat socket, visitor → server
)

// Document returns the OpenAPI document, loaded once from the module's
// internal/http/openapi.json (found from the test's directory upwards:
// a test runs in its package's directory).
var Document = sync.OnceValues(func() (*openapi3.T, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			return nil, errors.New("frametest: no go.mod above the working directory")
		}
		dir = up
	}
	data, err := os.ReadFile(filepath.Join(dir, "internal", "http", "openapi.json"))
	if err != nil {
		return nil, err
	}
	return openapi3.NewLoader().LoadFromData(data)
})

// Validate checks one frame, its JSON text, against the named schema.
func Validate(schema string, data []byte) error {
	doc, err := Document()
	if err != nil {
		return err
	}
	ref := doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("openapi.json has no schema %s", schema)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("frame %.300s is not JSON: %w", data, err)
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		return fmt.Errorf("frame %.300s disagrees with openapi.json's %s: %s", data, schema, strings.Join(reasons(err), "; "))
	}
	return nil
}

// reasons are the innermost reasons of a validation error, each with
// where in the frame it is: kin-openapi's own message repeats the whole
// schema, which for a union of frames is long.
func reasons(err error) []string {
	var se *openapi3.SchemaError
	switch {
	case errors.As(err, &se) && se.Origin != nil:
		return reasons(se.Origin)
	case errors.As(err, &se):
		if p := se.JSONPointer(); len(p) > 0 {
			return []string{se.Reason + " at /" + strings.Join(p, "/")}
		}
		return []string{se.Reason}
	}
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range m.Unwrap() {
			out = append(out, reasons(e)...)
		}
		return out
	}
	if u := errors.Unwrap(err); u != nil {
		return reasons(u)
	}
	return []string{err.Error()}
}

// Check is Validate reporting a disagreement as tb's error (Error, not
// Fatal: frames may be read off the test's goroutine).
func Check(tb testing.TB, schema string, data []byte) {
	tb.Helper()
	if err := Validate(schema, data); err != nil {
		tb.Error(err)
	}
}
