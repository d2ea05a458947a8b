package http

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestWidgetAndCallScripts: the scripts the web build makes for pages
// outside the workspace are served as given (internal/app passes the built
// files); a binary built without the web build answers 503 web_not_built
// for each, in the API's error shape, instead of an empty script.
func TestWidgetAndCallScripts(t *testing.T) {
	built := newEnvWith(t, Config{BodyLimit: 4096, Widget: []byte("/*widget*/"), CallScript: []byte("/*call*/")})
	bare := newEnv(t)
	for _, tc := range []struct {
		name, path string
		e          *env
		status     int
		body       string // the script, or the error code
		header     map[string]string
	}{
		{"widget", "/widget.js", built, 200, "/*widget*/", map[string]string{
			"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600", "Cross-Origin-Resource-Policy": "cross-origin"}},
		{"call page", "/call/app.js", built, 200, "/*call*/", map[string]string{"Content-Type": "text/javascript; charset=utf-8"}},
		{"widget not built", "/widget.js", bare, 503, "web_not_built", map[string]string{"Content-Type": "application/json"}},
		{"call page not built", "/call/app.js", bare, 503, "web_not_built", map[string]string{"Content-Type": "application/json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.Get(tc.e.url + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("%s: %d %s", tc.path, res.StatusCode, b)
			}
			for k, v := range tc.header {
				if got := res.Header.Get(k); !strings.HasPrefix(got, v) {
					t.Errorf("%s: %s %q, want %q", tc.path, k, got, v)
				}
			}
			if tc.status == 200 {
				if string(b) != tc.body {
					t.Fatalf("%s: body %q", tc.path, b)
				}
				return
			}
			var body errorBody
			if err := json.Unmarshal(b, &body); err != nil || body.Error.Code != tc.body || !strings.Contains(body.Error.Message, "make build") {
				t.Fatalf("%s: error %s (%v)", tc.path, b, err)
			}
		})
	}
}
