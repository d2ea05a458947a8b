package http

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
)

// servedServer runs the server's own http.Server (its timeouts) on a
// loopback listener.
func servedServer(t *testing.T, cfg Config) string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Logger = slog.New(slog.DiscardHandler)
	srv := newTestServer(st, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return ln.Addr().String()
}

// slowPost sends a request announcing a large body and then trickles one
// byte every 100 ms; it returns the status line (empty if the server
// closed without one) and how long the server took to close the
// connection (answered or not, a connection still open after a drained
// body would hold the server's resources).
func slowPost(t *testing.T, addr, path, contentType string) (string, time.Duration) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 100000\r\n\r\n{", path, contentType)
	var status string
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		status = strings.TrimSpace(line)
		for err == nil {
			_, err = br.ReadByte()
		}
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < 300; i++ { // 30 s, far past any deadline the tests set
		select {
		case <-closed:
			return status, time.Since(start)
		case <-tick.C:
			c.Write([]byte(" ")) // an error once cut: the close follows
		}
	}
	t.Fatal("the slow body was never cut off")
	return "", 0
}

// TestSlowBodyCut: a body trickled slower than the deadline allows is cut
// off within the configured deadline (408, connection closed), for the
// sign-in route of the issue; an upload gets the longer
// deadline; a normal request on the same server is unaffected.
func TestSlowBodyCut(t *testing.T) {
	t.Parallel()
	addr := servedServer(t, Config{Timeouts: Timeouts{Body: time.Second, Upload: 3 * time.Second}})
	for _, path := range []string{"/api/v1/auth/login"} {
		line, took := slowPost(t, addr, path, "application/json")
		if !strings.Contains(line, "408") {
			t.Fatalf("%s: answer %q, want 408", path, line)
		}
		// Cut at the deadline: well before the next doubling of it.
		if took < time.Second || took > 2*time.Second+500*time.Millisecond {
			t.Fatalf("%s: cut after %v, deadline 1 s", path, took)
		}
	}
	// A route that does not exist, or a request refused before its body is
	// read: answered at once, and the body the server then drains is
	// bounded by the same deadline.
	if line, took := slowPost(t, addr, "/no/such/route", "application/json"); !strings.Contains(line, "404") || took > 2*time.Second+500*time.Millisecond {
		t.Fatalf("an unrouted slow body: %q, connection held for %v", line, took)
	}
	_, took := slowPost(t, addr, "/api/v1/livechat/1/files", "multipart/form-data; boundary=x")
	if took < 3*time.Second || took > 5*time.Second {
		t.Fatalf("upload cut after %v, deadline 3 s", took)
	}
	resp, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"a@example.com","password":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("a prompt sign-in: %d", resp.StatusCode)
	}
}

// TestSlowHeadersCut: a client that never finishes its headers is
// disconnected after the read-header timeout.
func TestSlowHeadersCut(t *testing.T) {
	t.Parallel()
	addr := servedServer(t, Config{Timeouts: Timeouts{ReadHeader: time.Second}})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the connection was not closed")
			}
			break
		}
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("closed after %v, timeout 1 s", took)
	}
}

// TestAnonymousConcurrencyPerAddress: an address holding the maximum of
// anonymous requests open gets 429 with Retry-After for the next; signed-in
// routes and provider webhooks are not counted with them.
func TestAnonymousConcurrencyPerAddress(t *testing.T) {
	addr := servedServer(t, Config{Timeouts: Timeouts{Body: 5 * time.Second, AnonPerAddress: 3}})
	var conns []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// The held requests are in progress once the server reads their body:
	// poll until the cap answers.
	var resp *http.Response
	for i := 0; i < 100; i++ {
		r, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"a@example.com","password":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode == 429 {
			resp = r
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if resp == nil || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("no 429 with Retry-After past the cap: %+v", resp)
	}
	// Provider webhooks count apart: the held sign-ins do not stop them.
	wh, err := http.Post("http://"+addr+"/webhooks/twilio/999", "application/x-www-form-urlencoded", strings.NewReader("a=b"))
	if err != nil {
		t.Fatal(err)
	}
	wh.Body.Close()
	if wh.StatusCode != 404 {
		t.Fatalf("a webhook while sign-ins hold the cap: %d", wh.StatusCode)
	}
	r, err := http.Get("http://" + addr + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 401 {
		t.Fatalf("a signed-in route is limited as anonymous: %d", r.StatusCode)
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() { defer wg.Done(); c.Close() }()
	}
	wg.Wait()
}
