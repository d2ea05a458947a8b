package http

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestCallPageStyledUnderCSP: the call link page carries no inline style
// (its CSP, style-src 'self', would block it) and links a stylesheet the
// server serves as CSS.
func TestCallPageStyledUnderCSP(t *testing.T) {
	if regexp.MustCompile(`(?i)<style|\sstyle=`).MatchString(callPageHTML) {
		t.Fatal("the call page has an inline style")
	}
	if !strings.Contains(callPageHTML, `<link rel="stylesheet" href="/call/app.css">`) {
		t.Fatal("the call page links no stylesheet")
	}
	e := newEnv(t)
	res, err := http.Get(e.url + "/call/app.css")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(string(b), "#call") {
		t.Fatalf("stylesheet: %d %s %.80s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") {
		t.Fatalf("CSP: %s", csp)
	}
}
