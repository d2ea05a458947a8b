package http

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// twilioNPM runs Twilio's official helper library (twilio on npm, pinned
// in internal/channel/twilio/testdata/npm) through its sign.js bridge.
type twilioNPM struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Scanner
}

func startTwilioNPM(t *testing.T) *twilioNPM {
	t.Helper()
	dir, _ := filepath.Abs("../channel/twilio/testdata/npm")
	need := func(tool string) {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required for the Twilio signature test", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	need("node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "twilio")); err != nil {
		need("npm")
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	cmd := exec.Command("node", "sign.js")
	cmd.Dir = dir
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return &twilioNPM{in: in, out: bufio.NewScanner(out)}
}

func (n *twilioNPM) call(t *testing.T, req map[string]any, out any) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	b, _ := json.Marshal(req)
	if _, err := n.in.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
	if !n.out.Scan() {
		t.Fatalf("twilio npm bridge: no answer (%v)", n.out.Err())
	}
	if err := json.Unmarshal(n.out.Bytes(), out); err != nil {
		t.Fatal(err)
	}
}

// flat turns form values into the params object the npm library takes.
func flat(v url.Values) map[string]any {
	m := map[string]any{}
	for k, vs := range v {
		if len(vs) == 1 {
			m[k] = vs[0]
		} else {
			m[k] = vs
		}
	}
	return m
}

// Sign is what Twilio's servers compute for url and params.
func (n *twilioNPM) Sign(t *testing.T, token, u string, params url.Values) string {
	var r struct{ Signature string }
	n.call(t, map[string]any{"op": "sign", "token": token, "url": u, "params": flat(params)}, &r)
	return r.Signature
}

// Valid is Twilio's validateRequest.
func (n *twilioNPM) Valid(t *testing.T, token, sig, u string, params url.Values) bool {
	var r struct{ Valid bool }
	n.call(t, map[string]any{"op": "validate", "token": token, "signature": sig, "url": u, "params": flat(params)}, &r)
	return r.Valid
}

const twilioToken = "twilio-auth-token-0123456789abcdef"

// twilioPost posts a form to the webhook as the server behind a TLS proxy
// sees it: Host host, X-Forwarded-Proto https.
func (e *env) twilioPost(path, host string, form url.Values, sig string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(form.Encode()))
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Twilio-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func readForm(t *testing.T, file string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(strings.TrimSpace(string(fixture(t, "../channel/twilio/testdata/"+file))))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTwilioSignaturesOfficialLibrary: webhooks signed by Twilio's own
// library — on https://host:443/... and on https://host/..., whichever
// the server sees — are accepted, as Twilio's validateRequest accepts
// them; a wrong token is refused.
func TestTwilioSignaturesOfficialLibrary(t *testing.T) {
	npm := startTwilioNPM(t)
	// The bridge reproduces the example of Twilio's security documentation.
	docParams := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"}, "From": {"+12349013030"}, "To": {"+18005551212"}}
	if got := npm.Sign(t, "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", docParams); got != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Fatalf("npm signature of the documented example = %s", got)
	}
	e := newEnv(t)
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"sms","provider":"twilio","name":"Twilio","sender":"+15557122661",
		"settings":{"account_sid":"ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},"secrets":{"auth_token":"`+twilioToken+`"}}`, 201, &c)
	form := readForm(t, "inbound.form")
	tests := []struct {
		name, host, signedURL, token string
		status                       int
	}{
		{"signed with :443, seen without", "sb.example.com", "https://sb.example.com:443" + c.WebhookPath, twilioToken, 200},
		{"signed without port, seen with :443", "sb.example.com:443", "https://sb.example.com" + c.WebhookPath, twilioToken, 200},
		{"signed as seen", "sb.example.com", "https://sb.example.com" + c.WebhookPath, twilioToken, 200},
		{"another port", "sb.example.com", "https://sb.example.com:8443" + c.WebhookPath, twilioToken, 401},
		{"wrong token", "sb.example.com", "https://sb.example.com" + c.WebhookPath, "not-the-token", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := npm.Sign(t, tt.token, tt.signedURL, form)
			// What we accept, Twilio's validator accepts for the URL we saw.
			seen := "https://" + tt.host + c.WebhookPath
			if want := tt.status == 200; npm.Valid(t, twilioToken, sig, seen, form) != want {
				t.Fatalf("validateRequest(%s) disagrees with the expected %d", seen, tt.status)
			}
			resp, body := e.twilioPost(c.WebhookPath, tt.host, form, sig)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status == 200 && (!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") || !strings.Contains(string(body), "<Response>")) {
				t.Fatalf("answer %s %q, want empty TwiML", resp.Header.Get("Content-Type"), body)
			}
		})
	}
	if th := e.threadWith("+15017122661"); len(th) != 1 || th[0].Text != "Hello from my phone!" {
		t.Fatalf("thread = %+v", th)
	}
}

// TestTwilioComplianceAndStatus: Twilio's documented inbound and status
// callback parameters, signed by its own library, through the real
// endpoint: STOP / UNSUBSCRIBE opt the customer out (replies refused before
// Twilio with contact_opted_out, shown by the opt-out endpoint), HELP
// changes nothing, START opts back in; status callbacks move the reply and
// keep ErrorCode; error 21610 opts out too.
func TestTwilioComplianceAndStatus(t *testing.T) {
	npm := startTwilioNPM(t)
	e := newEnv(t)
	var c channelView
	e.do("POST", "/api/v1/channels", e.admin, `{"kind":"sms","provider":"twilio","name":"Twilio","sender":"+15557122661",
		"settings":{"account_sid":"ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},"secrets":{"auth_token":"`+twilioToken+`"}}`, 201, &c)
	post := func(file string) {
		t.Helper()
		form := readForm(t, file)
		sig := npm.Sign(t, twilioToken, "https://sb.example.com"+c.WebhookPath, form)
		if resp, body := e.twilioPost(c.WebhookPath, "sb.example.com", form, sig); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", file, resp.StatusCode, body)
		}
	}
	post("inbound.form")
	conv := e.conversationOf("+15017122661")
	reply := "/api/v1/conversations/" + conv.ID.String() + "/messages"
	optOut := "/api/v1/conversations/" + conv.ID.String() + "/opt-out"
	state := func() optOutView {
		var o optOutView
		e.do("GET", optOut, e.agentA, "", 200, &o)
		return o
	}
	if o := state(); o.OptedOut {
		t.Fatalf("opted out before any keyword: %+v", o)
	}

	// Status callbacks move the reply forward and keep the error code.
	e.sendAs(conv.ID, c.ID, "Your order shipped", "SM5a6b7c8d9e0f")
	post("status_sent.form")
	post("status_undelivered.form")
	var out desk.Message
	for _, m := range e.threadWith("+15017122661") {
		if m.ExternalID == "SM5a6b7c8d9e0f" {
			out = m
		}
	}
	if out.DeliveryState != desk.DeliveryFailed || out.FailureReason != "undelivered: error 30003 (unreachable destination handset)" {
		t.Fatalf("after status callbacks: %s %q", out.DeliveryState, out.FailureReason)
	}

	steps := []struct {
		file     string
		optedOut bool
		reason   string
	}{
		{"help.form", false, ""},
		{"stop.form", true, "keyword STOP"},
		{"start.form", false, ""},
		{"unsubscribe.form", true, "keyword UNSUBSCRIBE"},
		{"start.form", false, ""},
	}
	for _, s := range steps {
		post(s.file)
		o := state()
		if o.OptedOut != s.optedOut || o.Reason != s.reason {
			t.Fatalf("after %s: %+v", s.file, o)
		}
		if s.optedOut {
			var refused apiError
			e.do("POST", reply, e.agentA, `{"text":"are you there?"}`, 400, &refused)
			if refused.Error.Code != "contact_opted_out" || refused.Error.Field != "to" {
				t.Fatalf("reply while opted out: %+v", refused)
			}
		} else {
			e.do("POST", reply, e.agentA, `{"text":"hello again"}`, 201, nil)
		}
	}
	// The keywords themselves are in the thread: the agent sees them.
	texts := ""
	for _, m := range e.threadWith("+15017122661") {
		texts += m.Text + "|"
	}
	for _, w := range []string{"STOP|", "HELP|", "start|", " Unsubscribe |"} {
		if !strings.Contains(texts, w) {
			t.Errorf("%q not in the thread %q", w, texts)
		}
	}
	// A send refused by Twilio with 21610 (the customer sent STOP to the
	// number elsewhere) opts them out as well.
	e.sendAs(conv.ID, c.ID, "promo", "SM6b7c8d9e0f1a")
	post("status_failed_21610.form")
	if o := state(); !o.OptedOut || o.Reason != "error 21610" {
		t.Fatalf("after error 21610: %+v", o)
	}
}
