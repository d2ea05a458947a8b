package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// widgetLimitPage sends three messages at once from the widget and reports
// what the visitor sees once one is refused.
const widgetLimitPage = `<!doctype html><html><body>
<script src="%s/widget.js" data-channel="%s"></script>
<script>
function wait(cond, then) { var t = setInterval(function () { var v = cond(); if (v) { clearInterval(t); then(v); } }, 50); }
wait(function () { return window.SwitchboardChat && document.querySelector("#switchboard-livechat"); }, function () {
  var chat = window.SwitchboardChat;
  chat.open();
  setTimeout(function () {
    chat.send("one"); chat.send("two"); chat.send("three");
    wait(function () { return chat.messages().some(function (m) { return m.state.indexOf("try again") >= 0; }); }, function () {
      fetch("/report", {method: "POST", body: JSON.stringify({status: chat.status(), messages: chat.messages()})});
    });
  }, 300);
});
</script></body></html>`

// TestWidgetRateLimitedInChromium: a visitor over the channel's message
// limit sees "try again shortly" in the widget (Chromium).
func TestWidgetRateLimitedInChromium(t *testing.T) {
	mustChromium(t)
	mustWidget(t)
	p, token, _ := liveChatServer(t)
	var ch struct{ ID string }
	if code := call(t, "POST", p.url+"/api/v1/channels", token, map[string]any{"kind": "livechat", "name": "Limited chat",
		"settings": map[string]string{"rate_messages_per_address": "2"},
		"secrets":  map[string]string{"session_secret": "another-long-random-session-secret"}}, &ch); code != 201 {
		t.Fatalf("create channel: %d", code)
	}
	type report struct {
		Status   string
		Messages []struct{ Text, State string }
	}
	got := make(chan report, 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/report" {
			var rep report
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &rep)
			got <- rep
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, widgetLimitPage, p.url, ch.ID)
	}))
	defer site.Close()
	ctx := openInChromium(t, site.URL+"/")
	select {
	case rep := <-got:
		limited := 0
		for _, m := range rep.Messages {
			if strings.Contains(m.State, "try again shortly") {
				limited++
			}
		}
		if limited != 1 || !strings.Contains(rep.Status, "try again shortly") {
			t.Fatalf("the widget shows %+v", rep)
		}
	case <-ctx.Done():
		t.Fatal("the browser never showed a refused message")
	}
}
