package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/web"
)

// chromium is Debian's browser, used headless when present.
const chromium = "/usr/bin/chromium"

// widgetPage embeds the widget like a customer's site would, on another
// origin than Switchboard's, and reports to the test server what the
// visitor sees: after sending, after the agent's answer, after a reload.
const widgetPage = `<!doctype html><html><head><title>Shop</title></head><body>
<h1>A shop</h1>
<script src="%s/widget.js" data-channel="%s"></script>
<script>
function report(step, data) { return fetch("/report?step=" + step, {method: "POST", body: JSON.stringify(data || {})}); }
function wait(cond, then) { var t = setInterval(function () { var v = cond(); if (v) { clearInterval(t); then(v); } }, 50); }
wait(function () { return window.SwitchboardChat; }, function (chat) {
  chat.open();
  if (sessionStorage.getItem("reloaded")) {
    wait(function () { var m = chat.messages(); return m.length >= 2 && m; }, function (m) { report("reloaded", m); });
    return;
  }
  wait(function () { return document.querySelector("#switchboard-livechat"); }, function () {
    setTimeout(function () {
      chat.send("Hello from a real browser");
      wait(function () { return chat.messages().some(function (m) { return m.state === "sent"; }); }, function () {
        report("sent", chat.messages());
        wait(function () { return chat.messages().some(function (m) { return m.direction === "out"; }); }, function () {
          report("received", chat.messages()).then(function () {
            setTimeout(function () { sessionStorage.setItem("reloaded", "1"); location.reload(); }, 500);
          });
        });
      });
    }, 300);
  });
});
</script></body></html>`

// TestWidgetInChromium loads the widget in headless Chromium on a page
// served from loopback: the visitor writes, the agent answers through the
// API, the visitor's widget shows it (and reports it seen), and after a
// reload the same visitor gets the thread back from the stored session.
func TestWidgetInChromium(t *testing.T) {
	mustChromium(t)
	mustWidget(t)
	p, token, ch := liveChatServer(t)

	type shown struct{ ID, Direction, Text, State string }
	reports := make(chan struct {
		step string
		msgs []shown
	}, 8)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/report" {
			var msgs []shown
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &msgs)
			reports <- struct {
				step string
				msgs []shown
			}{r.URL.Query().Get("step"), msgs}
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, widgetPage, p.url, ch.ID)
	}))
	defer site.Close()

	ctx := openInChromium(t, site.URL+"/")

	next := func(step string) []shown {
		t.Helper()
		select {
		case r := <-reports:
			if r.step != step {
				t.Fatalf("page reported %s, want %s (%+v)", r.step, step, r.msgs)
			}
			return r.msgs
		case <-ctx.Done():
			t.Fatalf("no %s report from the browser", step)
		}
		return nil
	}
	next("sent")
	var convs struct {
		Items []struct{ ID, Channel string } `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].Channel != "livechat" {
		t.Fatalf("conversations %+v", convs.Items)
	}
	conv := p.url + "/api/v1/conversations/" + convs.Items[0].ID
	if code := call(t, "POST", conv+"/messages", token, map[string]any{"text": "Hello! An agent here."}, nil); code != 201 {
		t.Fatalf("reply: %d", code)
	}
	if got := next("received"); len(got) != 2 || got[1].Text != "Hello! An agent here." {
		t.Fatalf("widget shows %+v", got)
	}
	after := next("reloaded")
	var texts []string
	for _, m := range after {
		texts = append(texts, m.Direction+":"+m.Text)
	}
	if strings.Join(texts, "|") != "in:Hello from a real browser|out:Hello! An agent here." {
		t.Fatalf("after reload the widget shows %q", texts)
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("the reload started another conversation: %+v", convs.Items)
	}
	var thread struct {
		Items []struct {
			DeliveryState string `json:"delivery_state"`
		} `json:"items"`
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		call(t, "GET", conv+"/messages", token, nil, &thread)
		if len(thread.Items) == 2 && thread.Items[1].DeliveryState == "seen" || time.Now().After(deadline) {
			break
		}
	}
	if len(thread.Items) != 2 || thread.Items[1].DeliveryState != "seen" {
		t.Fatalf("the reply was not reported seen by the open widget: %+v", thread.Items)
	}
}

// mustChromium skips a browser test where Debian's Chromium is missing,
// and fails it instead when CI is set.
func mustChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil || testing.Short() {
		if os.Getenv("CI") != "" {
			t.Fatalf("headless Chromium is missing at %s (scripts/ensure-services.sh installs it): %v", chromium, err)
		}
		t.Skip("no headless Chromium here")
	}
}

// mustWidget returns the Live Chat widget the web build made (the binary
// serves the same file, both embedded from web/dist). Where the web build
// has not run it skips the test, and fails it instead when CI is set: CI
// builds the web before the Go tests, so a missing script is a broken
// build, not a missing tool.
func mustWidget(t *testing.T) []byte {
	t.Helper()
	js, ok := web.Embedded("widget.js")
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatal("web/dist/embedded/widget.js is missing: the web build (make build, or cd web && npm run build) must run before the Go tests")
		}
		t.Skip("no web build (web/dist/embedded/widget.js): run `make build` to test the widget")
	}
	return js
}

// liveChatServer starts a server with an admin and a Live Chat channel,
// and returns it, the admin's token and the channel's ID.
func liveChatServer(t *testing.T) (*proc, string, struct{ ID string }) {
	t.Helper()
	dir := t.TempDir()
	MustRun(t, "user", "create", "--email", "admin@example.com", "--password", "admin-password", "--role", "admin", "--data", dir)
	p := MustServe(t, "--data", dir)
	token := login(t, p.url, "admin@example.com", "admin-password")
	var ch struct{ ID string }
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": "Web chat",
		"secrets": map[string]string{"session_secret": "a-long-random-session-secret"}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	return p, token, ch
}

// openInChromium opens url in headless Chromium for at most 90 s; the
// returned context ends then. The browser (its own process group, so its
// renderer and helper processes end with it) is killed at cleanup.
func openInChromium(t *testing.T, url string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	browser := exec.CommandContext(ctx, chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--user-data-dir="+t.TempDir(), url)
	browser.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := browser.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-browser.Process.Pid, syscall.SIGKILL); _ = browser.Wait(); cancel() })
	return ctx
}
