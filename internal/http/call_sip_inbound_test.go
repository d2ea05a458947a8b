package http

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/trunk"
)

// sippCaller runs sipp as a caller from the SIP trunk: it sends the
// scenario's INVITE to our trunk address and echoes the RTP it receives.
func sippCaller(t *testing.T, scenario string, trunkPort int) chan error {
	t.Helper()
	if testing.Short() {
		t.Skip("sipp: not in the fast tier (-short)")
	}
	bin, err := exec.LookPath("sipp")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("sipp is missing (apt-get install sip-tester)")
		}
		t.Skip("sipp not installed")
	}
	cmd := exec.Command(bin, "127.0.0.1:"+strconv.Itoa(trunkPort), "-sf", "../trunk/testdata/"+scenario, "-i", "127.0.0.1",
		"-p", strconv.Itoa(udpPort(t)), "-mi", "127.0.0.1", "-mp", strconv.Itoa(udpPort(t)), "-rtp_echo", "-m", "1", "-nostdin", "-timeout", "30s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return done
}

// trunkFor starts a trunk taking calls into the env's call service (to
// queue A) and dialing sipp on proxyPort (0: a port nobody listens on).
func (e *callEnv) trunkFor(t *testing.T, proxyPort int) int {
	t.Helper()
	return e.trunkWith(t, proxyPort, nil)
}

// trunkWith is trunkFor with the trunk's configuration adjusted by with.
func (e *callEnv) trunkWith(t *testing.T, proxyPort int, with func(*trunk.Config)) int {
	t.Helper()
	if proxyPort == 0 {
		proxyPort = udpPort(t)
	}
	port := udpPort(t)
	cfg := trunk.Config{Listen: "127.0.0.1:" + strconv.Itoa(port), Proxy: "127.0.0.1:" + strconv.Itoa(proxyPort), Calls: e.svc}
	if with != nil {
		with(&cfg)
	}
	tr, err := trunk.New(cfg, e.hub)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); tr.Close() })
	if err := tr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.trunks.use(tr)
	go e.svc.Run(ctx, 50*time.Millisecond)
	return port
}

// callerCall waits for the call of the SIP caller +15550123 to reach
// state and returns it with its conversation.
func (e *callEnv) callerCall(t *testing.T, state call.State) (*call.Call, desk.ID) {
	t.Helper()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	var c *call.Call
	var conv desk.ID
	waitUntil(t, "the caller's call "+string(state), func() bool {
		cu, err := e.store.FindCustomerByContact(sys, desk.ChannelVoice, "+15550123")
		if err != nil {
			return false
		}
		convs, _, _ := e.store.FindConversations(sys, desk.ConversationFilter{CustomerID: &cu.ID, Channel: desk.ChannelVoice})
		if len(convs) == 0 {
			return false
		}
		conv = convs[0].ID
		if c = e.svc.ActiveOn(conv); c == nil {
			return false
		}
		return c.State == state
	})
	return c, conv
}

// callActions lists the call events of a conversation's timeline.
func (e *callEnv) callActions(conv desk.ID) []map[string]any {
	var evs struct{ Items []desk.Event }
	e.do("GET", "/api/v1/conversations/"+conv.String()+"/events", e.sup, "", 200, &evs)
	var out []map[string]any
	for _, ev := range evs.Items {
		if ev.Data["action"] != nil {
			out = append(out, ev.Data)
		}
	}
	return out
}

func findAction(evs []map[string]any, action string) map[string]any {
	for _, ev := range evs {
		if ev["action"] == action {
			return ev
		}
	}
	return nil
}

// A call arriving from the SIP trunk (sipp sends INVITE) opens a Voice
// conversation in the routed queue and rings the agent in the browser
// (a pion softphone); the agent answers with WebRTC and audio flows both
// ways across the bridge: the agent's frames reach the caller, whose echo
// comes back to the agent. The caller's BYE ends the call and the agent
// wraps up; the recording covers the talk.
func TestCallInboundSIPAnswered(t *testing.T) {
	e := newCallEnv(t)
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	port := e.trunkFor(t, 0)
	sipp := sippCaller(t, "inbound_answered.xml", port)

	c, conv := e.callerCall(t, call.Ringing)
	if c.AgentID != e.idA || !c.Trunk || c.Direction != desk.CallInbound {
		t.Fatalf("call %+v", c)
	}
	var mine callResponse
	e.do("GET", "/api/v1/me/call", e.agentA, "", 200, &mine)
	if mine.Call.ID != c.ID || mine.Call.State != call.Ringing {
		t.Fatalf("my call %+v", mine.Call)
	}
	e.do("GET", "/api/v1/me/call", e.agentB, "", 204, nil)
	var cv desk.Conversation
	e.do("GET", "/api/v1/conversations/"+conv.String(), e.agentA, "", 200, &cv)
	if cv.QueueID != e.queueA || cv.ContactAddress != "+15550123" || cv.SenderAddress != "+18005550100" {
		t.Fatalf("conversation %+v", cv)
	}
	// While ringing the caller hears the queue's music (sipp echoes it).
	waitUntil(t, "music to the waiting caller", func() bool { st, _ := e.hub.Stats(c.ID); return st.Music > 10 && st.FromCustomer > 10 })

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
	// Both ways: agent → bridge → caller's RTP, echoed → bridge → agent.
	waitUntil(t, "the agent's audio back from the caller", func() bool { return agent.Received(0x41) > 50 })
	st, _ := e.hub.Stats(c.ID)
	if st.ToCustomer < 50 || st.ToAgent < 50 {
		t.Fatalf("media %+v", st)
	}
	if err := <-sipp; err != nil {
		t.Fatalf("sipp: %v", err)
	}
	waitUntil(t, "the caller's BYE to end the call", func() bool { return e.svc.ActiveOn(conv) == nil })
	var me desk.Agent
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != desk.CallWrapUp {
		t.Fatalf("agent after the call: %q", me.CallState)
	}
	evs := e.callActions(conv)
	if findAction(evs, "incoming")["via"] != "sip" || findAction(evs, "answered") == nil || findAction(evs, "ended")["by"] != call.ByCustomer {
		t.Fatalf("timeline %v", evs)
	}
	final, _ := e.hub.Stats(c.ID)
	if final.Recorded < 1 {
		t.Fatalf("recorded %.2f s", final.Recorded)
	}
}

// A call from the trunk that nobody answers: the ringing agent's phone
// stops after the ring timeout (not_answered) and the call goes back to
// the queue, the caller hearing music, until they hang up.
func TestCallInboundSIPUnanswered(t *testing.T) {
	e := newCallEnv(t, call.Config{RingTimeout: 700 * time.Millisecond, WrapUp: 30 * time.Second})
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	port := e.trunkFor(t, 0)
	sipp := sippCaller(t, "inbound_unanswered.xml", port)

	c, conv := e.callerCall(t, call.Ringing)
	waitUntil(t, "the ring timeout", func() bool { return findAction(e.callActions(conv), "not_answered") != nil })
	if ev := findAction(e.callActions(conv), "not_answered"); ev["reason"] != "no_answer" || ev["agent_id"] != e.idA.String() {
		t.Fatalf("not answered %v", ev)
	}
	if err := <-sipp; err != nil {
		t.Fatalf("sipp: %v", err)
	}
	waitUntil(t, "the caller's BYE to end the call", func() bool { return e.svc.ActiveOn(conv) == nil })
	st, _ := e.hub.Stats(c.ID)
	if st.Music < 50 || st.FromAgent != 0 {
		t.Fatalf("media %+v", st)
	}
	if ev := findAction(e.callActions(conv), "ended"); ev["by"] != call.ByCustomer {
		t.Fatalf("ended %v", ev)
	}
	var me desk.Agent
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != "" {
		t.Fatalf("agent after a call they never answered: %q", me.CallState)
	}
}
