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

// uploadPage picks files in the widget like a visitor would: through its
// attach button's file input (in the widget's shadow root), one after the
// other: a real PNG, an executable named .png, a file over 25 MB. It
// reports what the widget shows.
const uploadPage = `<!doctype html><html><head><title>Shop</title></head><body>
<script src="ORIGIN/widget.js" data-channel="CHANNEL"></script>
<script>
function report(data) { return fetch("/report", {method: "POST", body: JSON.stringify(data)}); }
function wait(cond, then) { var t = setInterval(function () { var v = cond(); if (v) { clearInterval(t); then(v); } }, 50); }
function shadow() { var h = document.querySelector("#switchboard-livechat"); return h && h.shadowRoot; }
function pick(bytes, name, type) {
  var input = shadow().querySelector("input[type=file]");
  var dt = new DataTransfer();
  dt.items.add(new File([bytes], name, {type: type}));
  input.files = dt.files;
  input.dispatchEvent(new Event("change"));
}
function failures() { return window.SwitchboardChat.messages().filter(function (m) { return m.state.indexOf("not sent") === 0; }).length; }
var png = new Uint8Array([PNG]);
var exe = new Uint8Array([77, 90, 144, 0, 3, 0, 0, 0, 4, 0, 0, 0, 255, 255, 0, 0]);
wait(function () { return window.SwitchboardChat && shadow() && localStorage.getItem("switchboard-livechat-CHANNEL"); }, function () {
  var chat = window.SwitchboardChat;
  chat.open();
  var button = shadow().querySelector("button[aria-label='Attach a file']");
  button.click(); // opens the (headless) file chooser: nothing to see
  pick(png, "receipt.png", "image/png");
  wait(function () { return chat.messages().some(function (m) { return m.state === "sent"; }); }, function () {
    pick(exe, "invoice.png", "image/png");
    wait(function () { return failures() === 1; }, function () {
      pick(new Uint8Array(25 * 1024 * 1024 + 1), "huge.pdf", "application/pdf");
      wait(function () { return failures() === 2; }, function () {
        report({button: !!button, status: chat.status(), messages: chat.messages()});
      });
    });
  });
});
</script></body></html>`

// TestWidgetUploadInChromium: a visitor attaches files with the widget's
// button in headless Chromium, on a page of another origin. A real image
// is stored (sniffed) and reaches the agent's thread; an executable named
// .png is refused by the server and the widget shows the server's reason
// on the message; a file over Live Chat's 25 MB is refused before
// uploading, with a clear message.
func TestWidgetUploadInChromium(t *testing.T) {
	mustChromium(t)
	mustWidget(t)
	p, token, ch := liveChatServer(t)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	nums := make([]string, len(png))
	for i, b := range png {
		nums[i] = fmt.Sprint(b)
	}
	page := strings.NewReplacer("ORIGIN", p.url, "CHANNEL", ch.ID, "PNG", strings.Join(nums, ",")).Replace(uploadPage)

	type shown struct{ ID, Direction, Text, State string }
	var got struct {
		Button   bool
		Status   string
		Messages []shown
	}
	reports := make(chan []byte, 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/report" {
			b, _ := io.ReadAll(r.Body)
			select {
			case reports <- b:
			default:
			}
			return
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page)
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
	if !got.Button || len(got.Messages) != 3 {
		t.Fatalf("widget shows %+v", got)
	}
	sent, mismatch, huge := got.Messages[0], got.Messages[1], got.Messages[2]
	if sent.Direction != "in" || sent.Text != "\U0001F4CE receipt.png" || sent.State != "sent" {
		t.Fatalf("the image: %+v", sent)
	}
	if !strings.HasPrefix(mismatch.State, "not sent: invoice.png is named .png but its content is ") {
		t.Fatalf("the executable named .png: %+v", mismatch)
	}
	if huge.State != "not sent: huge.pdf is larger than 25 MB." || got.Status != "huge.pdf is larger than 25 MB." {
		t.Fatalf("the file over 25 MB: %+v, note %q", huge, got.Status)
	}

	// The agent's side: one message, the stored image.
	var convs struct {
		Items []struct{ ID, Channel string } `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations?view=all", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].Channel != "livechat" {
		t.Fatalf("conversations %+v", convs.Items)
	}
	var thread struct {
		Items []struct {
			Type        string
			Attachments []struct {
				Name        string `json:"name"`
				ContentType string `json:"content_type"`
				URL         string `json:"url"`
			}
		} `json:"items"`
	}
	call(t, "GET", p.url+"/api/v1/conversations/"+convs.Items[0].ID+"/messages", token, nil, &thread)
	if len(thread.Items) != 1 || thread.Items[0].Type != "image" || len(thread.Items[0].Attachments) != 1 ||
		thread.Items[0].Attachments[0].Name != "receipt.png" || thread.Items[0].Attachments[0].ContentType != "image/png" {
		t.Fatalf("thread %+v", thread.Items)
	}
	req, _ := http.NewRequest("GET", p.url+thread.Items[0].Attachments[0].URL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != string(png) {
		t.Fatalf("stored %d bytes, want the PNG", len(b))
	}
}
