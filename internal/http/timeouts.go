package http

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Timeouts bound how long a client may hold the server's resources;
// zero fields take DefaultTimeouts.
type Timeouts struct {
	// ReadHeader bounds reading a request's line and headers (WebSocket
	// handshakes included: an upgrade is a request like any other).
	ReadHeader time.Duration
	// Body is the deadline, from the end of the headers, to receive a
	// request's whole body; Upload replaces it for file uploads
	// (multipart, audio, octet-stream bodies).
	Body   time.Duration
	Upload time.Duration
	// Idle closes keep-alive connections without a request this long.
	Idle time.Duration
	// AnonPerAddress caps the requests of one client address in progress
	// at once on the routes that need no credentials (sign-in, Live Chat,
	// surveys, call links; provider webhooks count apart with 8 times as
	// many; live sockets have their own caps).
	AnonPerAddress int
}

// DefaultTimeouts are the server's defaults (and the flags').
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Body: 30 * time.Second, Upload: 10 * time.Minute,
	Idle: 120 * time.Second, AnonPerAddress: 32}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts
	if t.ReadHeader <= 0 {
		t.ReadHeader = d.ReadHeader
	}
	if t.Body <= 0 {
		t.Body = d.Body
	}
	if t.Upload <= 0 {
		t.Upload = d.Upload
	}
	if t.Idle <= 0 {
		t.Idle = d.Idle
	}
	if t.AnonPerAddress <= 0 {
		t.AnonPerAddress = d.AnonPerAddress
	}
	return t
}

var errBodyTimeout = desk.CodedErrorf(desk.ETIMEOUT, "request_timeout", "the request body was not received in time")

// hasBody reports whether a request announces a body.
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// isUpload reports whether a body is a file upload, which gets the longer
// deadline.
func isUpload(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/") || strings.HasPrefix(mt, "audio/") || mt == "application/octet-stream"
}

// deadlineBody is a request body that must arrive before the connection's
// read deadline; once it has been read to its end (or failed) the deadline
// is lifted, so a handler working on after reading is not cut off.
type deadlineBody struct {
	io.ReadCloser
	rc       *http.ResponseController
	mu       sync.Mutex
	done     bool
	timedOut bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.mu.Lock()
		if !b.done {
			b.done = true
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				b.timedOut = true
			} else {
				_ = b.rc.SetReadDeadline(time.Time{})
			}
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *deadlineBody) expired() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.timedOut
}

// withBodyDeadline sets the connection's read deadline for a request with
// a body and returns the wrapped body (nil when there is none).
func (s *Server) withBodyDeadline(w http.ResponseWriter, r *http.Request) *deadlineBody {
	if !hasBody(r) {
		return nil
	}
	limit := s.timeouts.Body
	if isUpload(r) {
		limit = s.timeouts.Upload
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(limit)) != nil {
		return nil
	}
	b := &deadlineBody{ReadCloser: r.Body, rc: rc}
	r.Body = b
	return b
}

// anonLimiter counts the anonymous requests in progress per client
// address (and key: provider webhooks count apart).
type anonLimiter struct {
	mu sync.Mutex
	n  map[string]int
}

// webhookFactor: a provider sends its webhooks in bursts from a few
// addresses, so webhooks count apart from other anonymous requests and may
// have this many times as many in progress.
const webhookFactor = 8

func (l *anonLimiter) acquire(ip string, max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[ip] >= max {
		return false
	}
	l.n[ip]++
	return true
}

func (l *anonLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[ip]--; l.n[ip] <= 0 {
		delete(l.n, ip)
	}
}

func errTooManyConnections() error {
	e := desk.CodedErrorf(desk.ETOOMANY, "too_many_connections", "too many requests from this address at once; try again shortly")
	e.Detail = map[string]any{"retry_after": 1}
	return e
}

// isUpgrade reports a WebSocket handshake: the socket stays open for
// hours and is capped on its own (per session, per Live Chat address).
func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}
