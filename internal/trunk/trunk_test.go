package trunk

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// sippPath finds sipp (Debian package sip-tester); tests skip without it,
// except in CI where scripts/ensure-services.sh installs it.
func sippPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("sipp: not in the fast tier (-short)")
	}
	p, err := exec.LookPath("sipp")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("sipp is missing (apt-get install sip-tester)")
		}
		t.Skip("sipp not installed (apt-get install sip-tester)")
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// startSipp runs sipp as the external party with a scenario ("" for the
// built-in uas that answers and waits for our BYE), echoing RTP.
func startSipp(t *testing.T, scenario string, port int, extra ...string) chan error {
	t.Helper()
	args := []string{"-i", "127.0.0.1", "-p", strconv.Itoa(port), "-mi", "127.0.0.1", "-mp", strconv.Itoa(freePort(t)),
		"-rtp_echo", "-m", "1", "-nostdin", "-timeout", "30s", "-trace_err", "-error_file", filepath.Join(t.TempDir(), "sipp.err")}
	if scenario == "" {
		args = append(args, "-sn", "uas")
	} else {
		args = append(args, "-sf", filepath.Join("testdata", scenario))
	}
	args = append(args, extra...)
	cmd := exec.Command(sippPath(t), args...)
	cmd.Dir = "."
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	time.Sleep(300 * time.Millisecond) // sipp binds its port
	return done
}

// startSippCaller runs sipp on port as a caller from the trunk, sending
// the scenario to our SIP port.
func startSippCaller(t *testing.T, scenario string, ourPort, port int) chan error {
	t.Helper()
	cmd := exec.Command(sippPath(t), "127.0.0.1:"+strconv.Itoa(ourPort), "-sf", filepath.Join("testdata", scenario), "-i", "127.0.0.1",
		"-p", strconv.Itoa(port), "-mi", "127.0.0.1", "-mp", strconv.Itoa(freePort(t)), "-m", "1", "-nostdin", "-timeout", "30s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return done
}

// events turns call.ExternalEvents into channels.
type events struct {
	answered, ended chan struct{}
	failed          chan string
}

func newEvents() (*events, call.ExternalEvents) {
	e := &events{answered: make(chan struct{}, 1), ended: make(chan struct{}, 1), failed: make(chan string, 1)}
	return e, call.ExternalEvents{Answered: func() { e.answered <- struct{}{} }, Ended: func() { e.ended <- struct{}{} },
		Failed: func(r string) { e.failed <- r }}
}

// setup returns a hub with a customer softphone on call "c1" and a trunk
// pointing at sipp on sippPort.
func setup(t *testing.T, sippPort int) (*media.Hub, *media.Softphone, *Trunk) {
	t.Helper()
	hub, err := media.NewHub(media.Config{IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	customer, offer, err := media.NewSoftphone(0x43)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(customer.Close)
	answer, err := hub.ConnectCustomer(context.Background(), "c1", offer)
	if err != nil {
		t.Fatal(err)
	}
	if err := customer.Accept(answer); err != nil {
		t.Fatal(err)
	}
	tr, err := New(Config{Listen: "127.0.0.1:" + strconv.Itoa(freePort(t)), Proxy: "127.0.0.1:" + strconv.Itoa(sippPort), RingTimeout: 10 * time.Second}, hub)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); tr.Close(); hub.End("c1") })
	if err := tr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return hub, customer, tr
}

func wait[T any](t *testing.T, what string, ch chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// An external number answers (sipp), audio is bridged both ways (sipp
// echoes the customer's frames back through the hub), and the far side's
// BYE ends the leg.
func TestDialAnswerBridgeBye(t *testing.T) {
	port := freePort(t)
	sipp := startSipp(t, "answer_then_bye.xml", port)
	hub, customer, tr := setup(t, port)
	ev, cb := newEvents()
	tr.Dial(context.Background(), "c1", "+15550100", cb)
	wait(t, "answered", ev.answered)
	before := customer.Received(0x43)
	deadline := time.Now().Add(5 * time.Second)
	for customer.Received(0x43) < before+25 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	st, _ := hub.Stats("c1")
	if got := customer.Received(0x43) - before; got < 25 || st.ToAgent < 25 || st.FromAgent < 25 {
		t.Fatalf("echoed frames %d, stats %+v", got, st)
	}
	wait(t, "the far side's BYE", ev.ended)
	if err := wait(t, "sipp to finish", sipp); err != nil {
		t.Fatalf("sipp: %v", err)
	}
}

// A busy number (486) fails the dial with reason busy.
func TestDialBusy(t *testing.T) {
	port := freePort(t)
	sipp := startSipp(t, "busy.xml", port)
	_, _, tr := setup(t, port)
	ev, cb := newEvents()
	tr.Dial(context.Background(), "c1", "+15550100", cb)
	if r := wait(t, "failure", ev.failed); r != "busy" {
		t.Fatalf("reason %q", r)
	}
	if err := wait(t, "sipp to finish", sipp); err != nil {
		t.Fatalf("sipp: %v", err)
	}
}

// Our side hangs up: BYE reaches sipp's built-in uas, which then exits.
func TestHangupSendsBye(t *testing.T) {
	port := freePort(t)
	sipp := startSipp(t, "", port)
	_, _, tr := setup(t, port)
	ev, cb := newEvents()
	tr.Dial(context.Background(), "c1", "+15550100", cb)
	wait(t, "answered", ev.answered)
	time.Sleep(500 * time.Millisecond)
	tr.Hangup("c1")
	if err := wait(t, "sipp to finish", sipp); err != nil {
		t.Fatalf("sipp: %v", err)
	}
	select {
	case <-ev.ended:
		t.Fatal("our own BYE reported as the far side's")
	case <-time.After(200 * time.Millisecond):
	}
}

// Only the trunk places calls: an INVITE from another address is refused
// (source checked against the proxy's host, names resolved).
func TestFromTrunk(t *testing.T) {
	tr, err := New(Config{Listen: "127.0.0.1:0", Proxy: "localhost:5060"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	for source, want := range map[string]bool{"127.0.0.1:5060": true, "127.0.0.1:40000": true, "10.1.2.3:5060": false, "garbage": false} {
		if got := tr.fromTrunk(source); got != want {
			t.Errorf("fromTrunk(%q) = %v", source, got)
		}
	}
}

// Hanging up while the number still rings sends CANCEL (sipp's scenario
// only completes on it) and reports no answer.
func TestHangupWhileRingingCancels(t *testing.T) {
	port := freePort(t)
	sipp := startSipp(t, "ring_then_cancel.xml", port)
	_, _, tr := setup(t, port)
	ev, cb := newEvents()
	tr.DialCustomer(context.Background(), "c1", "+15550100", cb)
	time.Sleep(300 * time.Millisecond) // let it ring (sipgo waits for the 180 before CANCEL anyway)
	tr.Hangup("c1")
	if r := wait(t, "the dial to fail", ev.failed); r == "" {
		t.Fatal("no reason")
	}
	if err := wait(t, "sipp to finish", sipp); err != nil {
		t.Fatalf("sipp (no CANCEL?): %v", err)
	}
}
