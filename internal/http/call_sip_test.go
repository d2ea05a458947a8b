package http

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/trunk"
)

// runSipp starts sipp with a scenario of internal/trunk/testdata ("uas":
// sipp's built-in answering one) as the external party on a free port and returns that port and its exit.
func runSipp(t *testing.T, scenario string) (int, chan error) {
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
	port, mport := udpPort(t), udpPort(t)
	sf := []string{"-sf", "../trunk/testdata/" + scenario}
	if scenario == "uas" { // sipp's own: answers, waits for our BYE
		sf = []string{"-sn", "uas"}
	}
	cmd := exec.Command(bin, append(sf, "-i", "127.0.0.1", "-p", strconv.Itoa(port), "-mi", "127.0.0.1",
		"-mp", strconv.Itoa(mport), "-rtp_echo", "-m", "1", "-nostdin", "-timeout", "30s")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	time.Sleep(300 * time.Millisecond)
	return port, done
}

func udpPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// inCall starts a call-link call on convA answered by agent A with audio.
func (e *callEnv) inCall(t *testing.T) (string, *media.Softphone) {
	t.Helper()
	var link callLinkResponse
	e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/call-link", e.agentA, "", 201, &link)
	customer, offer, err := media.NewSoftphone(0x43)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(customer.Close)
	var started callLinkCallResponse
	e.do("POST", "/call/"+link.Token+"/offer", "", jsonBody(sdpRequest{SDP: offer}), 201, &started)
	if err := customer.Accept(started.SDP); err != nil {
		t.Fatal(err)
	}
	agent, aOffer, err := media.NewSoftphone(0x41)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Close)
	var answered callResponse
	e.do("POST", "/api/v1/calls/"+started.CallID+"/answer", e.agentA, jsonBody(sdpRequest{SDP: aOffer}), 200, &answered)
	if err := agent.Accept(answered.SDP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "audio", func() bool { return customer.Received(0x41) > 10 })
	return started.CallID, customer
}

// Transfer to an external number over the SIP trunk (I3) against sipp:
// the number answers and audio is bridged (sipp echoes the customer),
// its BYE ends the call; a busy number (486) rings the agent again.
func TestCallTransferExternal(t *testing.T) {
	port, sipp := runSipp(t, "answer_then_bye.xml")
	e := newCallEnv(t)
	tr, err := trunk.New(trunk.Config{Listen: "127.0.0.1:" + strconv.Itoa(udpPort(t)), Proxy: "127.0.0.1:" + strconv.Itoa(port)}, e.hub)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer tr.Close()
	if err := tr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.trunks.use(tr)
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)

	id, customer := e.inCall(t)
	e.do("POST", "/api/v1/calls/"+id+"/transfer", e.agentA, `{"number":"555-0100"}`, 400, nil)
	// I3: external transfers are off until set; People contacts only
	// refuses a typed number no customer has; typed numbers allow it.
	e.do("POST", "/api/v1/calls/"+id+"/transfer", e.agentA, `{"number":"+15550100"}`, 403, nil)
	e.do("PUT", "/api/v1/settings/external-transfer", e.agentA, `{"people_contacts":true,"manual_numbers":true}`, 403, nil)
	e.do("PUT", "/api/v1/settings/external-transfer", e.sup, `{"people_contacts":true,"manual_numbers":false}`, 200, nil)
	if b := e.do("POST", "/api/v1/calls/"+id+"/transfer", e.agentA, `{"number":"+15550100"}`, 403, nil); !strings.Contains(string(b), "number_not_in_people") {
		t.Fatalf("people only: %s", b)
	}
	e.do("PUT", "/api/v1/settings/external-transfer", e.sup, `{"people_contacts":true,"manual_numbers":true}`, 200, nil)
	e.do("POST", "/api/v1/calls/"+id+"/transfer", e.agentA, `{"number":"+15550100"}`, 200, nil)
	waitUntil(t, "the number to answer", func() bool { c, _ := e.svc.Find(id); return c != nil && c.State == call.InCall })
	echoed := customer.Received(0x43)
	waitUntil(t, "the customer's audio back through sipp", func() bool { return customer.Received(0x43) > echoed+25 })
	if err := <-sipp; err != nil {
		t.Fatalf("sipp: %v", err)
	}
	waitUntil(t, "the far side's BYE to end the call", func() bool { c, _ := e.svc.Find(id); return c == nil || c.State == call.Ended })
	var me desk.Agent
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != desk.CallWrapUp {
		t.Fatalf("agent after external transfer: %q", me.CallState)
	}
	e.do("POST", "/api/v1/me/wrap-up/finish", e.agentA, "", 200, nil)

	// 486 Busy: the call comes back to the agent, ringing, with the reason.
	port2, sipp2 := runSipp(t, "busy.xml")
	tr2, err := trunk.New(trunk.Config{Listen: "127.0.0.1:" + strconv.Itoa(udpPort(t)), Proxy: "127.0.0.1:" + strconv.Itoa(port2)}, e.hub)
	if err != nil {
		t.Fatal(err)
	}
	defer tr2.Close()
	if err := tr2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.trunks.use(tr2)
	id2, _ := e.inCall(t)
	e.do("POST", "/api/v1/calls/"+id2+"/transfer", e.agentA, `{"number":"+15550199"}`, 200, nil)
	waitUntil(t, "the call back at the agent", func() bool {
		c, _ := e.svc.Find(id2)
		return c != nil && c.State == call.Ringing && c.AgentID == e.idA
	})
	if err := <-sipp2; err != nil {
		t.Fatalf("sipp: %v", err)
	}
	var evs struct{ Items []desk.Event }
	e.do("GET", "/api/v1/conversations/"+e.convA.String()+"/events", e.agentA, "", 200, &evs)
	last := evs.Items[len(evs.Items)-1]
	if last.Data["action"] != "transfer_failed" || last.Data["reason"] != "busy" {
		t.Fatalf("last event %+v", last)
	}
	if v := e.callState(e.agentA, id2).Call; v.TransferFailed != "busy" {
		t.Fatalf("the agent's call view does not say why: %+v", v)
	}
	e.do("POST", "/api/v1/calls/"+id2+"/answer", e.agentA, "", 200, nil)
}
