package http

import (
	"net/http"
	"regexp"
	"testing"
)

// TestRequestID: every answer names its request's ID, the caller's
// X-Request-ID when it is a plain token, a fresh one otherwise.
func TestRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct{ sent, want string }{
		{"trace-me-42", "^trace-me-42$"},
		{"", "^[0-9a-f]{16}$"},
		{"bad id;drop", "^[0-9a-f]{16}$"},
	} {
		req, _ := http.NewRequest("GET", e.url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		if tt.sent != "" {
			req.Header["X-Request-Id"] = []string{tt.sent}
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			// a header with a line break is refused by the client itself
			continue
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-ID"); !regexp.MustCompile(tt.want).MatchString(got) {
			t.Errorf("sent %q: X-Request-ID %q, want %s", tt.sent, got, tt.want)
		}
	}
}
