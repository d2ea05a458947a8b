package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// linksPage runs the widget against a fake socket that plays the server:
// a history whose files have links of every kind, then a live message;
// then the socket drops and the widget reconnects, and gets them again
// with fresh links (/media/2-...). Served from the test's own origin,
// which is then Switchboard's.
const linksPage = `<!doctype html><html><head><title>Shop</title></head><body>
<script>
function report(data) { return fetch("/report", {method: "POST", body: JSON.stringify(data)}); }
var frames = [
  {type: "session", token: "t", visitor_id: "v-1"},
  {type: "history", messages: [
   {id: "lc-in-v-1-c1", direction: "in", text: "my receipt", files: [{name: "receipt.png", content_type: "image/png", size: 68, url: "/media/r"}]},
   {id: "lc-1", direction: "out", text: "files", files: [
    {name: "ok.png", content_type: "image/png", size: 68, url: "/media/ok"},
    {name: "abs.pdf", content_type: "application/pdf", size: 2048, url: location.origin + "/media/abs"},
    {name: "js.pdf", url: "javascript:window.pwned=1"},
    {name: "elsewhere.pdf", url: "https://evil.example/x"},
    {name: "proto-relative.pdf", url: "//evil.example/x"},
    {name: "data.png", content_type: "image/png", url: "data:image/png;base64,AAAA"},
    {name: "big.mov", refused: "media_too_large", reason: "not delivered: the file is too large"},
    {name: "later.jpg", pending: true, reason: "still arriving; reload in a moment"}]}]},
  {type: "message", id: "lc-2", direction: "out", text: "<i>more</i>", files: [{name: "<b>x</b>.txt", size: 3, url: "/media/x"}]}
];
// The widget talks to this instead of a server.
var conns = 0;
window.WebSocket = function () {
  var ws = this, n = ++conns;
  ws.send = function (d) {
    if (JSON.parse(d).type !== "hello") { return; }
    setTimeout(function () {
      frames.forEach(function (f) {
        var data = JSON.stringify(f);
        ws.onmessage({data: n === 1 ? data : data.split("/media/").join("/media/2-")});
      });
      if (n === 1) { ws.onclose(); } // the server went away: the widget reconnects
    }, 0);
  };
  ws.close = function () {};
  setTimeout(function () { ws.onopen(); }, 0);
};
</script>
<script src="/widget.js" data-channel="7"></script>
<script>
var t = setInterval(function () {
  var chat = window.SwitchboardChat;
  if (!chat || conns < 2 || !chat.messages().some(function (m) { return m.files.some(function (f) { return f.href.indexOf("/media/2-x") > 0; }); })) { return; }
  clearInterval(t);
  var root = document.querySelector("#switchboard-livechat").shadowRoot;
  report({messages: chat.messages(), pwned: !!window.pwned, elements: root.querySelectorAll(".log b, .log i").length,
    anchors: root.querySelectorAll(".log a").length, images: root.querySelectorAll(".log img").length});
}, 50);
</script></body></html>`

// TestWidgetFileLinksInChromium: the widget links a file only to an
// http(s) URL on Switchboard's origin (relative links resolve against it);
// javascript:, data: and other sites' links, refused and pending files
// are plain lines with the reason; only images get a preview; names and
// texts stay text.
func TestWidgetFileLinksInChromium(t *testing.T) {
	mustChromium(t)
	widget := mustWidget(t)
	type file struct{ Text, Href, Rel, Target, Preview string }
	var got struct {
		Messages []struct {
			ID, Text string
			Files    []file
		}
		Pwned                     bool
		Elements, Anchors, Images int
	}
	img := tinyPNG(t)
	reports := make(chan []byte, 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/report":
			b, _ := io.ReadAll(r.Body)
			select {
			case reports <- b:
			default:
			}
		case "/media/2-ok", "/media/2-r":
			// Previews the browser draws, so none is removed.
			w.Header().Set("Content-Type", "image/png")
			w.Write(img)
		case "/widget.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(widget)
		default:
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, linksPage)
		}
	}))
	defer site.Close()
	ctx := openInChromium(t, site.URL+"/")
	select {
	case b := <-reports:
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("report %s: %v", b, err)
		}
	case <-ctx.Done():
		t.Fatal("no report from the browser")
	}
	// After the reconnect: each message once (the visitor's under the
	// widget's own ID), every link the fresh one.
	if len(got.Messages) != 3 || got.Messages[0].ID != "c1" || len(got.Messages[1].Files) != 8 || len(got.Messages[2].Files) != 1 {
		t.Fatalf("widget shows %+v", got.Messages)
	}
	want := []file{
		{Text: "\U0001F4CE receipt.png (68 B)", Href: site.URL + "/media/2-r", Preview: site.URL + "/media/2-r"},
		{Text: "\U0001F4CE ok.png (68 B)", Href: site.URL + "/media/2-ok", Preview: site.URL + "/media/2-ok"},
		{Text: "\U0001F4CE abs.pdf (2.0 KB)", Href: site.URL + "/media/2-abs"},
		{Text: "\U0001F4CE js.pdf \u2014 not available"},
		{Text: "\U0001F4CE elsewhere.pdf \u2014 not available"},
		{Text: "\U0001F4CE proto-relative.pdf \u2014 not available"},
		{Text: "\U0001F4CE data.png \u2014 not available"},
		{Text: "\U0001F4CE big.mov \u2014 not delivered: the file is too large"},
		{Text: "\U0001F4CE later.jpg \u2014 still arriving; reload in a moment"},
		{Text: "\U0001F4CE <b>x</b>.txt (3 B)", Href: site.URL + "/media/2-x"},
	}
	var files []file
	for _, m := range got.Messages {
		files = append(files, m.Files...)
	}
	for i, w := range want {
		f := files[i]
		if w.Href != "" {
			w.Rel, w.Target = "noopener", "_blank"
		}
		if f != w {
			t.Errorf("file %d shown as %+v, want %+v", i, f, w)
		}
	}
	if got.Messages[2].Text != "<i>more</i>" || got.Pwned || got.Elements != 0 || got.Anchors != 4 || got.Images != 2 {
		t.Fatalf("text %q, pwned %v, markup elements %d, links %d, images %d", got.Messages[2].Text, got.Pwned, got.Elements, got.Anchors, got.Images)
	}
}
