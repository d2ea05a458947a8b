package http

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The contract: every response a test gets from the server (newEnvWith
// wraps its handler in contractHandler) is validated against openapi.json
// with kin-openapi — status, content type and body schema. A mismatch fails
// the test that made the request, so the document cannot drift from what
// the server answers.
//
// Status policy: a success or redirect status the operation does not list
// fails; an error status (4xx, 5xx) the operation does not list is checked
// against the shared error body (components/responses/Error), which the
// document's description promises for every error.

// contract is a router over a document, and the error response used for
// unlisted error statuses.
type contract struct {
	router routers.Router
	errRef *openapi3.ResponseRef
}

// loadContract builds a contract from an OpenAPI document's bytes.
func loadContract(data []byte) (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // paths are matched as the server registers them, from "/"
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	c := &contract{router: router}
	if doc.Components != nil {
		c.errRef = doc.Components.Responses["Error"]
	}
	return c, nil
}

var openAPIContract = sync.OnceValues(func() (*contract, error) { return loadContract(openAPIDoc) })

func init() {
	// Bodies the document describes as plain strings (HTML pages, scripts,
	// audio) are decoded as opaque bytes: their content type and status are
	// still checked.
	for _, ct := range []string{"text/html", "text/javascript", "text/css", "text/xml", "audio/wav"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// check validates one response to req; nil when it agrees with the
// document. A request to a path the document does not describe (the web
// workspace's files) is not checked: TestOpenAPIMatchesRoutes keeps the
// documented paths equal to the API's routes.
func (c *contract) check(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return nil
	}
	op := route.Operation
	if op.Responses.Status(status) == nil && op.Responses.Default() == nil {
		if status < 400 {
			return fmt.Errorf("%s %s: status %d is not documented", req.Method, route.Path, status)
		}
		if c.errRef != nil {
			// A copy of the operation whose responses are the error body.
			o := *op
			o.Responses = openapi3.NewResponses(openapi3.WithStatus(status, c.errRef))
			r := *route
			r.Operation = &o
			route = &r
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: status,
		Header: header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		b := string(body)
		if len(b) > 600 {
			b = b[:600] + "…"
		}
		return fmt.Errorf("%s %s (%s) → %d %s: response disagrees with openapi.json: %v\nbody: %s",
			req.Method, req.URL.Path, route.Path, status, header.Get("Content-Type"), err, b)
	}
	return nil
}

// contractHandler wraps h so that every response is checked against
// openapi.json; a disagreement fails t.
func contractHandler(t testing.TB, h http.Handler) http.Handler {
	c, err := openAPIContract()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return c.handler(h, func(err error) { t.Error(err) })
}

// handler wraps h so that every response is checked; fail receives each
// disagreement.
func (c *contract) handler(h http.Handler, fail func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &captureWriter{ResponseWriter: w}
		// The route is found on a copy: the handler may consume the body.
		req := r.Clone(r.Context())
		req.Body = http.NoBody
		h.ServeHTTP(cw, r)
		if cw.hijacked || cw.streamed {
			return // a WebSocket or an event stream: not a document response
		}
		status := cw.status
		if status == 0 {
			status = http.StatusOK
		}
		if err := c.check(req, status, w.Header(), cw.body.Bytes()); err != nil {
			fail(err)
		}
	})
}

// captureWriter passes a response through and keeps a copy of its status
// and body.
type captureWriter struct {
	http.ResponseWriter
	status             int
	body               bytes.Buffer
	hijacked, streamed bool
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 && status >= 200 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *captureWriter) Flush() {
	if strings.HasPrefix(c.Header().Get("Content-Type"), "text/event-stream") {
		c.streamed = true
	}
	http.NewResponseController(c.ResponseWriter).Flush()
}

func (c *captureWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c.hijacked = true
	return http.NewResponseController(c.ResponseWriter).Hijack()
}

func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// TestContractRejectsWrongDocument proves the validation bites: the same
// responses that agree with openapi.json fail against documents made wrong
// on purpose — in the body schema, the status and the content type.
func TestContractRejectsWrongDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wrong := func(edit func(doc map[string]any)) *contract {
		var doc map[string]any
		if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		c, err := loadContract(b)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	at := func(m map[string]any, keys ...string) map[string]any {
		for _, k := range keys {
			m = m[k].(map[string]any)
		}
		return m
	}
	right, err := openAPIContract()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path string
		doc                *contract
		want               string
	}{
		{"queue name documented as an integer", "GET", "/api/v1/queues", wrong(func(doc map[string]any) {
			at(doc, "components", "schemas", "Queue", "properties", "name")["type"] = "integer"
		}), `doesn't match schema`},
		{"queue without a documented property", "GET", "/api/v1/queues", wrong(func(doc map[string]any) {
			delete(at(doc, "components", "schemas", "Queue", "properties"), "auto_assign")
		}), `property "auto_assign" is unsupported`},
		{"me answering 201", "GET", "/api/v1/me", wrong(func(doc map[string]any) {
			rs := at(doc, "paths", "/api/v1/me", "get", "responses")
			rs["201"] = rs["200"]
			delete(rs, "200")
		}), "status 200 is not documented"},
		{"me answering text", "GET", "/api/v1/me", wrong(func(doc map[string]any) {
			r := at(doc, "paths", "/api/v1/me", "get", "responses", "200")
			r["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		}), "Content-Type"},
		{"error body without a code", "GET", "/api/v1/conversations/99999", wrong(func(doc map[string]any) {
			at(doc, "components", "schemas", "Error")["additionalProperties"] = false
			delete(at(doc, "components", "schemas", "Error", "properties"), "error")
		}), `property "error" is unsupported`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				doc      *contract
				wantFail bool
			}{{right, false}, {tc.doc, true}} {
				var errs []error
				req := httptest.NewRequest(tc.method, tc.path, nil)
				req.Header.Set("Authorization", "Bearer "+e.sup)
				c.doc.handler(e.handler, func(err error) { errs = append(errs, err) }).ServeHTTP(httptest.NewRecorder(), req)
				switch {
				case !c.wantFail && len(errs) > 0:
					t.Fatalf("the real document refuses the response: %v", errs)
				case c.wantFail && len(errs) != 1:
					t.Fatalf("the wrong document gave %d errors, want 1: %v", len(errs), errs)
				case c.wantFail && !strings.Contains(errs[0].Error(), tc.want):
					t.Fatalf("error %q does not say %q", errs[0], tc.want)
				}
			}
		})
	}
}
