package http

import (
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// dialOut starts agent A's outbound call to number from the browser (a
// pion softphone) and returns the call and the agent's phone.
func (e *callEnv) dialOut(t *testing.T, number string) (string, *media.Softphone) {
	t.Helper()
	agent, offer, err := media.NewSoftphone(0x41)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Close)
	var res callResponse
	e.do("POST", "/api/v1/calls", e.agentA, jsonBody(map[string]any{"conversation_id": e.convA, "number": number, "sdp": offer}), 201, &res)
	if res.Call.State != call.Dialing || res.SDP == "" {
		t.Fatalf("created %+v", res.Call)
	}
	if err := agent.Accept(res.SDP); err != nil {
		t.Fatal(err)
	}
	return res.Call.ID, agent
}

// An agent dials an E.164 number over the SIP trunk: the INVITE reaches
// sipp, which answers; the agent's browser audio is bridged to the RTP leg
// both ways (sipp echoes the agent's frames back); the far side's BYE ends
// the call and the agent wraps up. The agent hanging up sends BYE (sipp's
// uas ends only on it), and a busy number ends the call with the reason.
func TestCallDialOut(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	body := func(number string) string {
		return jsonBody(map[string]any{"conversation_id": e.convA, "number": number})
	}
	bare := newCallEnvNoTrunk(t)
	bare.do("PUT", "/api/v1/me/status", bare.agentA, `{"status":"available"}`, 200, nil)
	if res := bare.do("POST", "/api/v1/calls", bare.agentA, jsonBody(map[string]any{"conversation_id": bare.convA, "number": "+15550100"}), 400, nil); !strings.Contains(string(res), "no_trunk") {
		t.Fatalf("without a trunk: %s", res)
	}
	e.do("POST", "/api/v1/calls", e.agentB, body("+15550100"), 404, nil) // not B's queue

	port, sipp := runSipp(t, "answer_then_bye.xml")
	e.trunkFor(t, port)
	if res := e.do("POST", "/api/v1/calls", e.agentA, body("555 0100"), 400, nil); !strings.Contains(string(res), `"field":"number"`) {
		t.Fatalf("bad number: %s", res)
	}
	id, agent := e.dialOut(t, "+1 (555) 0100")
	waitUntil(t, "the number to answer", func() bool { c, _ := e.svc.Find(id); return c != nil && c.State == call.InCall })
	waitUntil(t, "the agent's audio echoed by the far side", func() bool { return agent.Received(0x41) > 25 })
	if st, _ := e.hub.Stats(id); st.FromCustomer < 25 || st.ToCustomer < 25 {
		t.Fatalf("media %+v", st)
	}
	if err := <-sipp; err != nil {
		t.Fatalf("sipp: %v", err)
	}
	waitUntil(t, "the far side's BYE to end the call", func() bool { c, _ := e.svc.Find(id); return c == nil || c.State == call.Ended })
	evs := e.callActions(e.convA)
	if findAction(evs, "dialing_number")["number"] != "+15550100" || findAction(evs, "ended")["by"] != call.ByCustomer {
		t.Fatalf("timeline %v", evs)
	}
	var me desk.Agent
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != desk.CallWrapUp {
		t.Fatalf("agent after the call: %q", me.CallState)
	}
	e.do("POST", "/api/v1/me/wrap-up/finish", e.agentA, "", 200, nil)

	// Our hang-up: BYE reaches sipp's uas, which exits only on it.
	port2, sipp2 := runSipp(t, "uas")
	e.trunkFor(t, port2)
	id2, _ := e.dialOut(t, "+15550101")
	waitUntil(t, "the number to answer", func() bool { c, _ := e.svc.Find(id2); return c != nil && c.State == call.InCall })
	e.do("POST", "/api/v1/calls/"+id2+"/hangup", e.agentA, "", 200, nil)
	if err := <-sipp2; err != nil {
		t.Fatalf("sipp after our BYE: %v", err)
	}
	e.do("POST", "/api/v1/me/wrap-up/finish", e.agentA, "", 200, nil)

	// Busy: the call ends with the reason.
	port3, sipp3 := runSipp(t, "busy.xml")
	e.trunkFor(t, port3)
	id3, _ := e.dialOut(t, "+15550102")
	waitUntil(t, "the busy number to end the call", func() bool { c, _ := e.svc.Find(id3); return c == nil || c.State == call.Ended })
	if err := <-sipp3; err != nil {
		t.Fatalf("sipp: %v", err)
	}
	evs = e.callActions(e.convA)
	if ev := evs[len(evs)-3]; ev["action"] != "not_answered" || ev["reason"] != "busy" || ev["call_id"] != id3 {
		t.Fatalf("timeline %v", evs)
	}
}

// The trunk's refusals end an outbound call with a reason the timeline
// and the dock name: 603 declined, 404 invalid_number.
func TestCallDialOutRefusalReasons(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	for _, tc := range []struct{ scenario, reason string }{{"decline.xml", "declined"}, {"not_found.xml", "invalid_number"}} {
		port, sipp := runSipp(t, tc.scenario)
		e.trunkFor(t, port)
		id, _ := e.dialOut(t, "+15550102")
		waitUntil(t, "the refused call to end", func() bool { c, _ := e.svc.Find(id); return c == nil || c.State == call.Ended })
		if err := <-sipp; err != nil {
			t.Fatalf("sipp: %v", err)
		}
		var ev map[string]any
		for _, x := range e.callActions(e.convA) {
			if x["action"] == "not_answered" && x["call_id"] == id {
				ev = x
			}
		}
		if ev == nil || ev["reason"] != tc.reason {
			t.Fatalf("%s: not_answered %v, want reason %s", tc.scenario, ev, tc.reason)
		}
		e.do("POST", "/api/v1/me/wrap-up/finish", e.agentA, "", 200, nil)
	}
}
