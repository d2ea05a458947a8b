package email

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestListenerSessionTimeout: a client that keeps a session busy with a
// command every 100 ms (never idle long enough for the per-command
// timeout) is still disconnected at the session deadline.
func TestListenerSessionTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &Listener{SessionTimeout: time.Second, CommandTimeout: time.Minute,
		Deliver: (&recorder{}).deliver,
		Resolve: func(context.Context, string) (*desk.ChannelConfig, error) {
			return nil, desk.Errorf(desk.ENOTFOUND, "none")
		}}
	go l.Serve(ln)
	defer l.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if line, _ := r.ReadString('\n'); len(line) < 3 || line[:3] != "220" {
		t.Fatalf("greeting %q", line)
	}
	start := time.Now()
	for i := 0; i < 600; i++ {
		if _, err := fmt.Fprintf(c, "NOOP\r\n"); err != nil {
			break
		}
		if _, err := r.ReadString('\n'); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if took := time.Since(start); took < time.Second || took > 4*time.Second {
		t.Fatalf("session ended after %v, deadline 1 s", took)
	}
}
