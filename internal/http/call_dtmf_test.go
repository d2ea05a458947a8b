package http

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// The agent's keys go to a caller from the SIP trunk whose offer had
// telephone-event (200); a caller without it is a 409 dtmf_unsupported.
// The call view the dock reads says which beforehand (dtmf). Bad keys are
// a 400 on field digits; keys from someone who is not the call's agent
// are refused.
func TestCallDTMF(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		status   int
		code     string
	}{
		{"inbound_with_events.xml", 200, ""},
		{"inbound_answered.xml", 409, "dtmf_unsupported"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			e := newCallEnv(t)
			e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
			port := e.trunkFor(t, 0)
			sipp := sippCaller(t, tc.scenario, port)
			c, _ := e.callerCall(t, call.Ringing)
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
			if takes := tc.status == 200; answered.Call.DTMF != takes || e.callState(e.agentA, c.ID).Call.DTMF != takes {
				t.Fatalf("view dtmf %v on answer, want %v", answered.Call.DTMF, takes)
			}
			var mine callResponse
			e.do("GET", "/api/v1/me/call", e.agentA, "", 200, &mine)
			if mine.Call.ID != c.ID || mine.Call.DTMF != (tc.status == 200) {
				t.Fatalf("GET /me/call: %+v", mine.Call)
			}
			var bad errorBody
			e.do("POST", "/api/v1/calls/"+c.ID+"/dtmf", e.agentA, `{"digits":"12x"}`, 400, &bad)
			if bad.Error.Field != "digits" {
				t.Fatalf("bad keys: %+v", bad)
			}
			e.do("POST", "/api/v1/calls/"+c.ID+"/dtmf", e.agentA, `{"digits":"1","extra":true}`, 400, nil)
			e.do("POST", "/api/v1/calls/"+c.ID+"/dtmf", e.sup, `{"digits":"1"}`, 403, nil)
			var res errorBody
			e.do("POST", "/api/v1/calls/"+c.ID+"/dtmf", e.agentA, `{"digits":"12#"}`, tc.status, &res)
			if res.Error.Code != tc.code {
				t.Fatalf("keys: %+v", res)
			}
			if err := <-sipp; err != nil {
				t.Fatalf("sipp: %v", err)
			}
		})
	}
}
