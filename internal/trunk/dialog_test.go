package trunk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// fakeCalls is the call service as the trunk sees it: it opens call
// "c1" (after release, when set) and records hang-ups.
type fakeCalls struct {
	hub     *media.Hub
	started chan struct{}
	release chan struct{}
	mu      sync.Mutex
	calls   int
	hungUp  chan string
}

func newFakeCalls(hub *media.Hub) *fakeCalls {
	return &fakeCalls{hub: hub, started: make(chan struct{}, 4), hungUp: make(chan string, 4)}
}

func (f *fakeCalls) IncomingSIP(_ context.Context, _, _ string, connect func(string) error) (string, error) {
	f.mu.Lock()
	f.calls++
	id := "c" + strconv.Itoa(f.calls)
	f.mu.Unlock()
	f.started <- struct{}{}
	if f.release != nil {
		<-f.release
	}
	return id, connect(id)
}

func (f *fakeCalls) Hangup(_ context.Context, id string, _ desk.ID, by string) (*call.Call, error) {
	if by != call.ByCustomer {
		return nil, fmt.Errorf("hung up by %s", by)
	}
	f.hub.End(id)
	f.hungUp <- id
	return nil, nil
}

func (f *fakeCalls) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// peer is a SIP user agent on loopback standing in for the carrier: it
// places calls into the trunk and takes the trunk's in-dialog requests.
type peer struct {
	client  *sipgo.Client
	dialogs *sipgo.DialogClientCache
	port    int
	byes    chan struct{}
	updates chan *sip.Request
	rtp     *net.UDPConn
}

func newPeer(t *testing.T) *peer {
	t.Helper()
	port := freePort(t)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("carrier"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(port))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{client: client, port: port, byes: make(chan struct{}, 4), updates: make(chan *sip.Request, 4)}
	p.dialogs = sipgo.NewDialogClientCache(client, sip.ContactHeader{Address: sip.Uri{User: "+15550123", Host: "127.0.0.1", Port: port}})
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		if err := p.dialogs.ReadBye(req, tx); err != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "No Such Call", nil))
		}
		p.byes <- struct{}{}
	})
	srv.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	srv.OnUpdate(func(req *sip.Request, tx sip.ServerTransaction) {
		res := sip.NewResponseFromRequest(req, 200, "OK", nil)
		if se := req.GetHeader("Session-Expires"); se != nil {
			res.AppendHeader(sip.NewHeader("Session-Expires", se.Value()))
		}
		_ = tx.Respond(res)
		select {
		case p.updates <- req:
		default:
		}
	})
	conn, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.ServeUDP(conn) }()
	p.rtp, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); p.rtp.Close(); ua.Close() })
	return p
}

func (p *peer) sdp(dir string) []byte {
	port := p.rtp.LocalAddr().(*net.UDPAddr).Port
	return []byte(fmt.Sprintf("v=0\r\no=carrier 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=%s\r\n", port, dir))
}

// trunkFor starts a trunk whose proxy is the peer, calls into calls.
func trunkFor(t *testing.T, p *peer, calls Incoming, hub *media.Hub, with func(*Config)) (*Trunk, sip.Uri) {
	t.Helper()
	port := freePort(t)
	cfg := Config{Listen: "127.0.0.1:" + strconv.Itoa(port), Proxy: "127.0.0.1:" + strconv.Itoa(p.port), Calls: calls}
	if with != nil {
		with(&cfg)
	}
	tr, err := New(cfg, hub)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); tr.Close() })
	if err := tr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return tr, sip.Uri{User: "+18005550100", Host: "127.0.0.1", Port: port}
}

func newHub(t *testing.T) *media.Hub {
	t.Helper()
	hub, err := media.NewHub(media.Config{IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	return hub
}

func sdpHeader() sip.Header { return sip.NewHeader("Content-Type", "application/sdp") }

// OPTIONS (a trunk's keepalive) gets 200 with Allow; a SIP method we do
// not take gets 405, an unknown one 501, both with Allow (RFC 3261
// §8.2.1); an in-dialog request for no dialog gets 481.
func TestOptionsAndRefusalsCarryAllow(t *testing.T) {
	p := newPeer(t)
	_, uri := trunkFor(t, p, newFakeCalls(newHub(t)), newHub(t), nil)
	ctx := context.Background()
	for method, want := range map[string]int{"OPTIONS": 200, "REFER": 405, "SUBSCRIBE": 405, "FROBNICATE": 501} {
		res, err := p.client.Do(ctx, sip.NewRequest(sip.RequestMethod(method), uri))
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		allow := res.GetHeader("Allow")
		if res.StatusCode != want || allow == nil || !strings.Contains(allow.Value(), "UPDATE") || !strings.Contains(allow.Value(), "INVITE") {
			t.Errorf("%s: %d, Allow %v; want %d with Allow", method, res.StatusCode, allow, want)
		}
	}
	req := sip.NewRequest(sip.UPDATE, uri)
	params := sip.NewParams()
	params.Add("tag", "nosuchdialog") // a dialog nobody has
	req.AppendHeader(&sip.ToHeader{Address: uri, Params: params})
	if res, err := p.client.Do(ctx, req); err != nil || res.StatusCode != 481 {
		t.Fatalf("UPDATE for no dialog: %v %v", res, err)
	}
}

// A caller's re-INVITE and UPDATE stay in its call: hold (sendonly) is
// answered recvonly, inactive inactive, resume sendrecv — one call, the
// origin's session kept and its version raised on each change — and a
// codec the call does not run is refused 488, the call going on.
func TestReinviteAndUpdateInDialog(t *testing.T) {
	hub := newHub(t)
	calls := newFakeCalls(hub)
	p := newPeer(t)
	_, uri := trunkFor(t, p, calls, hub, nil)
	ctx := context.Background()
	d, err := p.dialogs.Invite(ctx, uri, p.sdp("sendrecv"), sdpHeader())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	first, err := parseSDP(d.InviteResponse.Body())
	if err != nil || first.dir != dirSendRecv {
		t.Fatalf("answer %v %v", first, err)
	}
	origin := func(body []byte) (string, string) {
		for _, l := range strings.Split(string(body), "\r\n") {
			if f := strings.Fields(strings.TrimPrefix(l, "o=")); strings.HasPrefix(l, "o=") && len(f) > 2 {
				return f[1], f[2]
			}
		}
		return "", ""
	}
	sess, ver := origin(d.InviteResponse.Body())
	steps := []struct {
		method sip.RequestMethod
		dir    string
		want   string
	}{{sip.INVITE, "sendonly", "recvonly"}, {sip.UPDATE, "inactive", "inactive"}, {sip.INVITE, "sendrecv", "sendrecv"}, {sip.UPDATE, "sendrecv", "sendrecv"}}
	for i, st := range steps {
		req := sip.NewRequest(st.method, d.InviteResponse.Contact().Address)
		req.AppendHeader(sdpHeader())
		req.SetBody(p.sdp(st.dir))
		res, err := d.Do(ctx, req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("step %d %s %s: %v %v", i, st.method, st.dir, res, err)
		}
		if st.method == sip.INVITE {
			ack := sip.NewRequest(sip.ACK, d.InviteResponse.Contact().Address)
			ack.AppendHeader(sip.NewHeader("CSeq", fmt.Sprintf("%d ACK", res.CSeq().SeqNo)))
			_ = d.WriteRequest(ack)
		}
		got, err := parseSDP(res.Body())
		if err != nil || got.dir != st.want {
			t.Fatalf("step %d: %s answered %v (%v), want %s:\n%s", i, st.dir, got, err, st.want, res.Body())
		}
		s2, v2 := origin(res.Body())
		changed := i == 0 || steps[i-1].want != st.want
		if s2 != sess || (changed && v2 <= ver) || (!changed && v2 != ver) {
			t.Fatalf("step %d: origin %s %s after %s %s", i, s2, v2, sess, ver)
		}
		ver = v2
	}
	req := sip.NewRequest(sip.INVITE, d.InviteResponse.Contact().Address)
	req.AppendHeader(sdpHeader())
	req.SetBody([]byte(strings.ReplaceAll(strings.ReplaceAll(string(p.sdp("sendrecv")), "RTP/AVP 0 8", "RTP/AVP 9"), "PCM", "G722")))
	if res, err := d.Do(ctx, req); err != nil || res.StatusCode != 488 {
		t.Fatalf("G.722 re-INVITE: %v %v", res, err)
	}
	if n := calls.count(); n != 1 {
		t.Fatalf("%d calls opened, want 1", n)
	}
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	if id := wait(t, "the hang-up", calls.hungUp); id != "c1" {
		t.Fatalf("hung up %s", id)
	}
}

// RFC 4028: an interval under our Min-SE is refused 422 with Min-SE; an
// accepted one is confirmed (refresher, Require: timer), a refresh by
// UPDATE is answered with the timer, and a session nobody refreshes is
// ended by our BYE, the call with it.
func TestSessionTimers(t *testing.T) {
	hub := newHub(t)
	calls := newFakeCalls(hub)
	p := newPeer(t)
	_, uri := trunkFor(t, p, calls, hub, func(c *Config) { c.MinSE = 3 * time.Second })
	ctx := context.Background()

	d, err := p.dialogs.Invite(ctx, uri, p.sdp("sendrecv"), sdpHeader(), sip.NewHeader("Session-Expires", "1"), sip.NewHeader("Supported", "timer"))
	if err != nil {
		t.Fatal(err)
	}
	var rerr *sipgo.ErrDialogResponse
	if err := d.WaitAnswer(ctx, sipgo.AnswerOptions{}); !errors.As(err, &rerr) || rerr.Res.StatusCode != 422 ||
		rerr.Res.GetHeader("Min-SE") == nil || rerr.Res.GetHeader("Min-SE").Value() != "3" {
		t.Fatalf("Session-Expires under Min-SE: %v", err)
	}
	if calls.count() != 0 {
		t.Fatal("a refused interval opened a call")
	}

	d, err = p.dialogs.Invite(ctx, uri, p.sdp("sendrecv"), sdpHeader(), sip.NewHeader("Session-Expires", "3;refresher=uac"),
		sip.NewHeader("Min-SE", "3"), sip.NewHeader("Supported", "timer"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	se, req := d.InviteResponse.GetHeader("Session-Expires"), d.InviteResponse.GetHeader("Require")
	if se == nil || se.Value() != "3;refresher=uac" || req == nil || req.Value() != "timer" {
		t.Fatalf("answer's timer: Session-Expires %v, Require %v", se, req)
	}
	up := sip.NewRequest(sip.UPDATE, d.InviteResponse.Contact().Address)
	up.AppendHeader(sip.NewHeader("Session-Expires", "3;refresher=uac"))
	up.AppendHeader(sip.NewHeader("Supported", "timer"))
	res, err := d.Do(ctx, up)
	if err != nil || res.StatusCode != 200 || res.GetHeader("Session-Expires") == nil || res.GetHeader("Session-Expires").Value() != "3;refresher=uac" {
		t.Fatalf("refresh: %v %v", res, err)
	}
	// No further refresh: our BYE ends the session and the call.
	wait(t, "our BYE", p.byes)
	if id := wait(t, "the hang-up", calls.hungUp); id != "c1" {
		t.Fatalf("hung up %s", id)
	}
}

// A carrier whose UAC does not support timers while a proxy asked for one
// (Session-Expires without Supported: timer) leaves us the refresher: the
// answer says refresher=uas without Require, and our UPDATE refreshes
// the session before it expires, refresher=uac in our request.
func TestSessionTimerWeRefresh(t *testing.T) {
	hub := newHub(t)
	calls := newFakeCalls(hub)
	p := newPeer(t)
	_, uri := trunkFor(t, p, calls, hub, func(c *Config) { c.MinSE = 2 * time.Second })
	ctx := context.Background()
	d, err := p.dialogs.Invite(ctx, uri, p.sdp("sendrecv"), sdpHeader(), sip.NewHeader("Session-Expires", "2"),
		sip.NewHeader("Allow", "INVITE, ACK, BYE, CANCEL, UPDATE"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	if se, req := d.InviteResponse.GetHeader("Session-Expires"), d.InviteResponse.GetHeader("Require"); se == nil || se.Value() != "2;refresher=uas" || req != nil {
		t.Fatalf("answer's timer: Session-Expires %v, Require %v", se, req)
	}
	for i := range 2 {
		up := wait(t, fmt.Sprintf("our refresh #%d", i+1), p.updates)
		if se := up.GetHeader("Session-Expires"); se == nil || se.Value() != "2;refresher=uac" {
			t.Fatalf("our UPDATE's Session-Expires %v", se)
		}
	}
	select {
	case id := <-calls.hungUp:
		t.Fatalf("call %s ended though refreshed", id)
	default:
	}
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	wait(t, "the hang-up", calls.hungUp)
}

// A CANCEL while the call is being set up ends the attempt (sipp's
// caller completes only on 200 to its CANCEL and 487 to its INVITE) and
// the call the service opened is hung up.
func TestCancelBeforeAnswer(t *testing.T) {
	hub := newHub(t)
	calls := newFakeCalls(hub)
	calls.release = make(chan struct{})
	sippPort := freePort(t)
	p := &peer{port: sippPort}
	_, uri := trunkFor(t, p, calls, hub, nil)
	done := startSippCaller(t, "inbound_cancel.xml", uri.Port, sippPort)
	wait(t, "the call to open", calls.started)
	if err := wait(t, "sipp's 487", done); err != nil {
		t.Fatalf("sipp: %v", err)
	}
	close(calls.release)
	if id := wait(t, "the hang-up", calls.hungUp); id != "c1" {
		t.Fatalf("hung up %s", id)
	}
}

// Trunk legs bind inside the configured port range; with every port
// taken the call is refused (503), not sent through a port a firewall
// opened for --rtp-ports would block.
func TestTrunkRTPPortRange(t *testing.T) {
	hub := newHub(t)
	calls := newFakeCalls(hub)
	p := newPeer(t)
	port := freePort(t)
	_, uri := trunkFor(t, p, calls, hub, func(c *Config) { c.PortMin, c.PortMax = uint16(port), uint16(port) })
	ctx := context.Background()
	d, err := p.dialogs.Invite(ctx, uri, p.sdp("sendrecv"), sdpHeader())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		t.Fatal(err)
	}
	_ = d.Ack(ctx)
	got, err := parseSDP(d.InviteResponse.Body())
	if err != nil || got.addr.Port != port {
		t.Fatalf("answer's RTP port %v (%v), want %d", got, err, port)
	}
	d2, err := p.dialogs.Invite(ctx, uri, p.sdp("sendrecv"), sdpHeader())
	if err != nil {
		t.Fatal(err)
	}
	var rerr *sipgo.ErrDialogResponse
	if err := d2.WaitAnswer(ctx, sipgo.AnswerOptions{}); !errors.As(err, &rerr) || rerr.Res.StatusCode != 503 {
		t.Fatalf("second call with the range full: %v", err)
	}
	if _, err := New(Config{Listen: "127.0.0.1:0", Proxy: "127.0.0.1:5060", PortMin: 2000, PortMax: 1000}, hub); err == nil {
		t.Fatal("an empty range was accepted")
	}
}

// The trunk's refusals of an outbound call end the attempt with a reason
// the agent reads: 603 declined, 404 invalid_number.
func TestDialRefusalReasons(t *testing.T) {
	for scenario, want := range map[string]string{"decline.xml": "declined", "not_found.xml": "invalid_number"} {
		t.Run(want, func(t *testing.T) {
			port := freePort(t)
			sipp := startSipp(t, scenario, port)
			_, _, tr := setup(t, port)
			ev, cb := newEvents()
			tr.DialCustomer(context.Background(), "c1", "+15550100", cb)
			if r := wait(t, "failure", ev.failed); r != want {
				t.Fatalf("reason %q, want %q", r, want)
			}
			if err := wait(t, "sipp to finish", sipp); err != nil {
				t.Fatalf("sipp: %v", err)
			}
		})
	}
}

// A dialed customer (sipp) holds and resumes with re-INVITEs: our answers
// say a=recvonly, then a=sendrecv (sipp's scenario checks both), the
// call stays up through them and ends on the customer's BYE.
func TestDialCustomerHoldResume(t *testing.T) {
	port := freePort(t)
	sipp := startSipp(t, "answer_hold_bye.xml", port)
	_, _, tr := setup(t, port)
	ev, cb := newEvents()
	tr.DialCustomer(context.Background(), "c1", "+15550100", cb)
	wait(t, "answered", ev.answered)
	if err := wait(t, "sipp to finish", sipp); err != nil {
		t.Fatalf("sipp (an answer without the direction it checks?): %v", err)
	}
	wait(t, "the customer's BYE", ev.ended)
}
