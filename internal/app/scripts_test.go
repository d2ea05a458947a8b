package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/web"
)

// TestWebScriptsServed: the node serves the scripts the web build made
// (embedded from web/dist) at /widget.js and /call/app.js. Built without
// the web build, it answers 503 web_not_built for both; under CI, which
// builds the web first, a missing script fails the test.
func TestWebScriptsServed(t *testing.T) {
	ctx := context.Background()
	c := testConfig(t)
	c.CallsOff = true
	a, err := New(ctx, c, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop() })
	for path, name := range map[string]string{"/widget.js": "widget.js", "/call/app.js": "call.js"} {
		res, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want, built := web.Embedded(name)
		switch {
		case built:
			if res.StatusCode != 200 || !bytes.Equal(b, want) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
				t.Errorf("%s: %d %s, %d bytes; want the %d bytes of web/dist/embedded/%s", path, res.StatusCode, res.Header.Get("Content-Type"), len(b), len(want), name)
			}
		case os.Getenv("CI") != "":
			t.Errorf("web/dist/embedded/%s is missing: the web build must run before the Go tests", name)
		default:
			if res.StatusCode != 503 || !strings.Contains(string(b), `"web_not_built"`) {
				t.Errorf("%s without the web build: %d %s", path, res.StatusCode, b)
			}
			t.Logf("no web build: %s answers 503 web_not_built; run `make build` to serve the script", path)
		}
	}
}
