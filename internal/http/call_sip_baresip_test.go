package http

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/trunk"
)

// baresip is Debian's baresip (an independent SIP user agent, written in
// C on libre) as the caller of the SIP trunk, driven through its ctrl_tcp
// command interface. Its SIP trace (-s) is what it received from us.
type baresip struct {
	t     *testing.T
	ctrl  net.Conn
	rd    *bufio.Reader
	out   *lockedBuffer
	token int
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// udpTCPPort is a port free on loopback for both UDP and TCP, with the
// next one free for TCP too: baresip listens for SIP on UDP and TCP and
// for SIP/TLS on the port after (a clash there stops it at start).
func udpTCPPort(t *testing.T) int {
	t.Helper()
	for range 50 {
		p := udpPort(t)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		tls, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+1))
		ln.Close()
		if err == nil {
			tls.Close()
			return p
		}
	}
	t.Fatal("no port free for both UDP and TCP")
	return 0
}

// startBaresip runs baresip on 127.0.0.1:sipPort as +15550123 (PCMU/PCMA,
// a sine tone as its microphone, no sound card).
func startBaresip(t *testing.T, sipPort int, answermode ...string) *baresip {
	t.Helper()
	bin, err := exec.LookPath("baresip")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("baresip is missing (apt-get install baresip-core; scripts/ensure-services.sh does)")
		}
		t.Skip("baresip not installed (apt-get install baresip-core)")
	}
	dir := t.TempDir()
	ctrlPort := udpTCPPort(t)
	rtp := udpPort(t)
	conf := fmt.Sprintf(`poll_method poll
sip_listen 127.0.0.1:%d
audio_player aubridge,nowhere
audio_source ausine,440
ausrc_srate 48000
ausrc_channels 2
audio_alert aubridge,nowhere
rtp_ports %d-%d
module_path /usr/lib/baresip/modules
module g711.so
module ausine.so
module aubridge.so
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:%d
`, sipPort, rtp, rtp+1, ctrlPort)
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	mode := "manual"
	if len(answermode) > 0 {
		mode = answermode[0]
	}
	if err := os.WriteFile(filepath.Join(dir, "accounts"), []byte("<sip:+15550123@127.0.0.1>;regint=0;answermode="+mode+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	cmd := exec.Command(bin, "-f", dir, "-s")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("baresip output:\n%s", out.String())
		}
	})
	var conn net.Conn
	waitUntil(t, "baresip's control port", func() bool {
		conn, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(ctrlPort))
		return err == nil
	})
	t.Cleanup(func() { conn.Close() })
	return &baresip{t: t, ctrl: conn, rd: bufio.NewReader(conn), out: out}
}

// command runs one command (the menu's long form, as "/hold" on its
// console) and waits for its response.
func (b *baresip) command(name, params string) {
	b.t.Helper()
	b.token++
	tok := strconv.Itoa(b.token)
	msg, _ := json.Marshal(map[string]string{"command": name, "params": params, "token": tok})
	if _, err := fmt.Fprintf(b.ctrl, "%d:%s,", len(msg), msg); err != nil {
		b.t.Fatal(err)
	}
	_ = b.ctrl.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var n int
		if _, err := fmt.Fscanf(b.rd, "%d:", &n); err != nil {
			b.t.Fatalf("baresip %s: %v", name, err)
		}
		body := make([]byte, n+1) // and the closing comma
		if _, err := io.ReadFull(b.rd, body); err != nil {
			b.t.Fatal(err)
		}
		var res struct {
			Response bool
			OK       bool
			Data     string
			Token    string
		}
		if json.Unmarshal(body[:n], &res) == nil && res.Response && res.Token == tok {
			if !res.OK {
				b.t.Fatalf("baresip %s %s: %s", name, params, res.Data)
			}
			return
		}
	}
}

// ourAnswer is a 200 to one of baresip's INVITEs with our description.
// baresip's trace starts each message with a "#" line; none of the
// message holds one, so [^#] keeps a match inside one message.
var ourAnswer = regexp.MustCompile(`SIP/2\.0 200 OK\r?\n[^#]*?CSeq: (\d+) INVITE[^#]*?o=switchboard [^#]*?m=audio (\d+) [^#]*?a=(sendrecv|sendonly|recvonly|inactive)`)

// answers are the directions and ports of our answers to baresip's
// INVITEs, in order (a retransmitted 200 counted once).
func (b *baresip) answers() (dirs []string, ports []int) {
	seen := map[string]bool{}
	for _, m := range ourAnswer.FindAllStringSubmatch(b.out.String(), -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		n, _ := strconv.Atoi(m[2])
		dirs, ports = append(dirs, m[3]), append(ports, n)
	}
	return dirs, ports
}

// A call from an independent SIP user agent (baresip) through the trunk,
// after its OPTIONS got 200 with Allow: it rings the agent, who answers; baresip puts the call on hold
// (re-INVITE with a=sendonly), which we answer a=recvonly and stop
// sending to it, then resumes (a=sendrecv, audio flows again) and
// refreshes the session (a re-INVITE as a carrier's refresh), and hangs
// up. It stays one call on one conversation's timeline, no phantom call
// rings anyone, the agent is free after the wrap-up, and every media port
// we offered (the trunk's RTP leg, the agent's WebRTC leg) is in the
// --rtp-ports range.
func TestCallInboundSIPBaresipHoldResume(t *testing.T) {
	// --rtp-ports, for the hub's WebRTC legs and the trunk's RTP legs: 20
	// ports from a free one (not a fixed range other tests might hold).
	lo := min(udpPort(t), 65000)
	hi := lo + 19
	e := newCallEnvMedia(t, media.Config{PortMin: uint16(lo), PortMax: uint16(hi)}, call.Config{RingTimeout: 20 * time.Second, WrapUp: 300 * time.Millisecond})
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	e.do("PUT", "/api/v1/me/status", e.agentB, `{"status":"available"}`, 200, nil)
	uaPort := udpTCPPort(t)
	port := e.trunkWith(t, uaPort, func(c *trunk.Config) { c.PortMin, c.PortMax = uint16(lo), uint16(hi) })
	ua := startBaresip(t, uaPort)
	// A keepalive first: OPTIONS gets 200 with Allow naming UPDATE.
	ua.command("options", "sip:+18005550100@127.0.0.1:"+strconv.Itoa(port))
	waitUntil(t, "our answer to OPTIONS", func() bool {
		return regexp.MustCompile(`SIP/2\.0 200 OK\r?\n[^#]*?CSeq: \d+ OPTIONS[^#]*?Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE`).MatchString(ua.out.String())
	})
	ua.command("dial", "sip:+18005550100@127.0.0.1:"+strconv.Itoa(port))

	c, conv := e.callerCall(t, call.Ringing)
	agent, offer, err := media.NewSoftphone(0x41)
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Close()
	var answered callResponse
	e.do("POST", "/api/v1/calls/"+c.ID+"/answer", e.agentA, jsonBody(sdpRequest{SDP: offer}), 200, &answered)
	if err := agent.Accept(answered.SDP); err != nil {
		t.Fatal(err)
	}
	// The agent's leg too: every ICE candidate the hub offers is a port
	// of the range.
	cands := regexp.MustCompile(`a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ`).FindAllStringSubmatch(answered.SDP, -1)
	if len(cands) == 0 {
		t.Fatalf("no UDP candidates in the hub's answer:\n%s", answered.SDP)
	}
	for _, c := range cands {
		if n, _ := strconv.Atoi(c[1]); n < lo || n > hi {
			t.Fatalf("the agent's leg offers port %d outside %d-%d", n, lo, hi)
		}
	}
	stats := func() media.Stats { st, _ := e.hub.Stats(c.ID); return st }
	waitUntil(t, "audio both ways", func() bool { st := stats(); return st.FromCustomer > 50 && st.ToCustomer > 50 })

	onlyCall := func(state call.State) {
		t.Helper()
		cur := e.svc.ActiveOn(conv)
		if cur == nil || cur.ID != c.ID || cur.State != state {
			t.Fatalf("the call after a re-INVITE: %+v, want %s %s", cur, c.ID, state)
		}
		e.do("GET", "/api/v1/me/call", e.agentB, "", 204, nil) // nobody else rings
	}
	answersWith := func(n int, dir string) {
		t.Helper()
		waitUntil(t, fmt.Sprintf("answer #%d (%s)", n, dir), func() bool { d, _ := ua.answers(); return len(d) >= n })
		if d, _ := ua.answers(); d[n-1] != dir {
			t.Fatalf("answer #%d says a=%s, want a=%s (all: %v)", n, d[n-1], dir, d)
		}
	}

	ua.command("hold", "")
	answersWith(2, "recvonly")
	onlyCall(call.InCall)
	// On hold we send nothing: 50 more packets from the agent, none
	// forwarded to baresip (give or take one in flight as the answer
	// went out).
	held := stats()
	waitUntil(t, "the agent's audio while the caller holds", func() bool { return stats().FromAgent > held.FromAgent+50 })
	if sent := stats().ToCustomer - held.ToCustomer; sent > 2 {
		t.Fatalf("%d packets sent to a caller who put us on hold", sent)
	}

	ua.command("resume", "")
	answersWith(3, "sendrecv")
	onlyCall(call.InCall)
	resumed := stats()
	waitUntil(t, "audio to the caller again", func() bool { return stats().ToCustomer > resumed.ToCustomer+50 })

	ua.command("reinvite", "")
	answersWith(4, "sendrecv")
	onlyCall(call.InCall)

	ua.command("hangup", "")
	waitUntil(t, "baresip's BYE to end the call", func() bool { return e.svc.ActiveOn(conv) == nil })
	waitUntil(t, "the agent free after wrap-up", func() bool {
		var me desk.Agent
		e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
		return me.CallState == ""
	})
	e.do("GET", "/api/v1/me/call", e.agentA, "", 204, nil)

	evs := e.callActions(conv)
	var incoming, ended int
	for _, ev := range evs {
		switch ev["action"] {
		case "incoming":
			incoming++
		case "ended":
			ended++
			if ev["by"] != call.ByCustomer {
				t.Errorf("ended %v", ev)
			}
		}
	}
	if incoming != 1 || ended != 1 {
		t.Fatalf("timeline has %d incoming and %d ended calls, want one: %v", incoming, ended, evs)
	}
	_, ports := ua.answers()
	if len(ports) < 4 {
		t.Fatalf("ports %v", ports)
	}
	for _, p := range ports {
		if p < lo || p > hi || p != ports[0] {
			t.Fatalf("we offered RTP port %d; --rtp-ports is %d-%d (all: %v)", p, lo, hi, ports)
		}
	}
}

// An agent's outbound call answered by baresip (auto-answer): baresip
// holds and resumes inside the dialog we opened — answered a=recvonly,
// then a=sendrecv, on the same call — and its BYE ends the call.
func TestCallDialOutBaresipHoldResume(t *testing.T) {
	e := newCallEnv(t, call.Config{RingTimeout: 20 * time.Second, WrapUp: 300 * time.Millisecond})
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	uaPort := udpTCPPort(t)
	e.trunkFor(t, uaPort)
	ua := startBaresip(t, uaPort, "auto")
	id, _ := e.dialOut(t, "+15550123")
	waitUntil(t, "baresip to answer", func() bool { return e.callState(e.agentA, id).Call.State == call.InCall })
	stats := func() media.Stats { st, _ := e.hub.Stats(id); return st }
	waitUntil(t, "audio both ways", func() bool { st := stats(); return st.FromCustomer > 50 && st.ToCustomer > 50 })

	ua.command("hold", "")
	waitUntil(t, "our answer to the hold", func() bool { d, _ := ua.answers(); return len(d) >= 1 })
	if d, _ := ua.answers(); d[0] != "recvonly" {
		t.Fatalf("hold answered a=%s", d[0])
	}
	ua.command("resume", "")
	waitUntil(t, "our answer to the resume", func() bool { d, _ := ua.answers(); return len(d) >= 2 })
	if d, _ := ua.answers(); d[1] != "sendrecv" {
		t.Fatalf("resume answered a=%s", d[1])
	}
	if st := e.callState(e.agentA, id).Call.State; st != call.InCall {
		t.Fatalf("call %s after hold and resume", st)
	}
	resumed := stats()
	waitUntil(t, "the agent's audio to baresip again", func() bool { return stats().ToCustomer > resumed.ToCustomer+50 })
	ua.command("hangup", "")
	waitUntil(t, "baresip's BYE to end the call", func() bool {
		var me desk.Agent
		e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
		return me.CallState == "" || me.CallState == desk.CallWrapUp
	})
	e.do("GET", "/api/v1/me/call", e.agentA, "", 204, nil)
}
