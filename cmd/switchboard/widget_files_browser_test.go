package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// filesPage: the visitor uploads an image, waits for the agent's files,
// reports what the widget shows (and whether any markup of a file name
// became an element), reloads, and reports again once the history shows
// the files.
const filesPage = `<!doctype html><html><head><title>Shop</title></head><body>
<script src="ORIGIN/widget.js" data-channel="CHANNEL"></script>
<script>
function report(step, data) { return fetch("/report?step=" + step, {method: "POST", body: JSON.stringify(data)}); }
function wait(cond, then) { var t = setInterval(function () { var v = cond(); if (v) { clearInterval(t); then(v); } }, 50); }
function shadow() { var h = document.querySelector("#switchboard-livechat"); return h && h.shadowRoot; }
function links(chat) { return chat.messages().reduce(function (n, m) { return n + m.files.filter(function (f) { return f.href; }).length; }, 0); }
function seen(chat) {
  var root = shadow();
  return {messages: chat.messages(), pwned: !!window.pwned, bold: root.querySelectorAll("b").length,
    // every <img> must be a preview inside a file link
    strayImages: Array.prototype.filter.call(root.querySelectorAll("img"), function (i) { return !i.closest(".f a"); }).length};
}
var png = new Uint8Array([PNG]);
wait(function () { return window.SwitchboardChat && shadow() && localStorage.getItem("switchboard-livechat-CHANNEL"); }, function () {
  var chat = window.SwitchboardChat;
  chat.open();
  if (sessionStorage.getItem("reloaded")) {
    wait(function () { return links(chat) >= 3; }, function () { report("reloaded", seen(chat)); });
    return;
  }
  chat.sendFile(new File([png], "receipt.png", {type: "image/png"})).then(function (ok) {
    report("uploaded", {ok: ok});
    wait(function () { return links(chat) >= 2; }, function () {
      report("received", seen(chat)).then(function () {
        sessionStorage.setItem("reloaded", "1");
        location.reload();
      });
    });
  });
});
</script></body></html>`

// TestWidgetFilesInChromium: the agent sends files to a Live Chat visitor;
// the widget shows each as a link (an image with a preview) whose href
// downloads the exact bytes, a file name with HTML markup stays text, and
// after a reload the history shows the agent's files and the visitor's
// own upload as working links again.
func TestWidgetFilesInChromium(t *testing.T) {
	mustChromium(t)
	mustWidget(t)
	p, token, ch := liveChatServer(t)
	png := tinyPNG(t)
	nums := make([]string, len(png))
	for i, b := range png {
		nums[i] = fmt.Sprint(b)
	}
	page := strings.NewReplacer("ORIGIN", p.url, "CHANNEL", ch.ID, "PNG", strings.Join(nums, ",")).Replace(filesPage)

	type file struct{ Text, Href, Rel, Target, Preview string }
	type shown struct {
		Direction, Text, State string
		Files                  []file
	}
	type view struct {
		Messages    []shown
		Pwned       bool
		Bold        int
		StrayImages int
		OK          bool
	}
	type report struct {
		step string
		v    view
	}
	reports := make(chan report, 4)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/report" {
			var v view
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &v)
			reports <- report{r.URL.Query().Get("step"), v}
			return
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page)
	}))
	defer site.Close()
	ctx := openInChromium(t, site.URL+"/")
	next := func(step string) view {
		t.Helper()
		select {
		case r := <-reports:
			if r.step != step {
				t.Fatalf("page reported %s, want %s (%+v)", r.step, step, r.v)
			}
			return r.v
		case <-ctx.Done():
			t.Fatalf("no %s report from the browser", step)
		}
		return view{}
	}
	// download fetches a link as the visitor's browser would: no session.
	download := func(href string) []byte {
		t.Helper()
		if !strings.HasPrefix(href, p.url+"/media/") {
			t.Fatalf("link %q is not a media link of %s", href, p.url)
		}
		resp, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", href, resp.StatusCode)
		}
		return b
	}

	if !next("uploaded").OK {
		t.Fatal("the visitor's upload failed")
	}
	var convs struct {
		Items []struct{ ID string } `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("conversations %+v", convs.Items)
	}
	// No slash: the upload keeps a name's base only.
	const evil = `<img src=x onerror=window.pwned=1><b>bold.png`
	notes := []byte("line one\nline two\n")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("text", "Here are your files")
	w, _ := mw.CreateFormFile("files", evil)
	w.Write(png)
	w, _ = mw.CreateFormFile("files", "notes.txt")
	w.Write(notes)
	mw.Close()
	req, _ := http.NewRequest("POST", p.url+"/api/v1/conversations/"+convs.Items[0].ID+"/messages", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("reply with files: %d %s", resp.StatusCode, msg)
	}

	// checkAgentFiles checks the agent's message as the widget shows it.
	checkAgentFiles := func(when string, v view) {
		t.Helper()
		if v.Pwned || v.Bold != 0 || v.StrayImages != 0 {
			t.Fatalf("%s: markup of a file name became elements: %+v", when, v)
		}
		var out *shown
		for i := range v.Messages {
			if v.Messages[i].Direction == "out" {
				out = &v.Messages[i]
			}
		}
		if out == nil || out.Text != "Here are your files" || len(out.Files) != 2 {
			t.Fatalf("%s: the agent's message %+v", when, v.Messages)
		}
		img, txt := out.Files[0], out.Files[1]
		if !strings.Contains(img.Text, evil) || img.Preview != img.Href || img.Rel != "noopener" || img.Target != "_blank" {
			t.Fatalf("%s: image file shown as %+v, want its name %q as text and a preview", when, img, evil)
		}
		if !strings.Contains(txt.Text, "notes.txt") || txt.Preview != "" {
			t.Fatalf("%s: text file shown as %+v", when, txt)
		}
		if got := download(img.Href); !bytes.Equal(got, png) {
			t.Fatalf("%s: the image link served %q", when, got)
		}
		if got := download(txt.Href); !bytes.Equal(got, notes) {
			t.Fatalf("%s: the notes link served %q", when, got)
		}
	}
	checkAgentFiles("live", next("received"))

	after := next("reloaded")
	checkAgentFiles("after a reload", after)
	if len(after.Messages) != 2 {
		t.Fatalf("after a reload the widget shows %+v", after.Messages)
	}
	own := after.Messages[0]
	if own.Direction != "in" || len(own.Files) != 1 || !strings.Contains(own.Files[0].Text, "receipt.png") {
		t.Fatalf("the visitor's own upload after a reload: %+v", own)
	}
	if got := download(own.Files[0].Href); !bytes.Equal(got, png) {
		t.Fatalf("the visitor's upload link served %q", got)
	}
}

// tinyPNG is a whole 2×2 PNG, which a browser draws (a preview of a file
// it cannot decode is removed).
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
