package realtime_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/bus"
	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/realtime"
)

// Call signaling rides the workspace socket: call.offer frames (with an
// SDP larger than other frames) get call.answer or an error, and
// NotifyAgent reaches only that agent's sockets.
func TestCallFrames(t *testing.T) {
	var tokA string
	e := newEnv(t, realtime.Config{CallOffers: func(ctx context.Context, actor *desk.Actor, creds http.Header, callID, offer string) (string, error) {
		if creds.Get("Authorization") != "Bearer "+tokA {
			return "", desk.Errorf(desk.EUNAUTHENTICATED, "the socket's credentials are missing")
		}
		if callID != "c1" {
			return "", desk.Errorf(desk.ENOTFOUND, "call not found")
		}
		return "answer-for-" + actor.Name + "-" + offer[:5], nil
	}})
	var idA desk.ID
	tokA, idA = e.login("a@example.com", desk.RoleAgent, e.qa)
	tokB, _ := e.login("b@example.com", desk.RoleAgent, e.qa)
	a, b := e.dial(tokA, ""), e.dial(tokB, "")
	sdp := "v=0\r\n" + strings.Repeat("a=candidate:1 1 udp 2130706431 10.0.0.1 50000 typ host\r\n", 60)
	a.send(`{"type":"call.offer","call_id":"c1","sdp":"` + strings.ReplaceAll(sdp, "\r\n", `\r\n`) + `"}`)
	a.until("call.answer")
	a.send(`{"type":"call.offer","call_id":"nope","sdp":"x"}`)
	a.until("error")

	e.hub.NotifyAgent(idA, ringing(idA))
	if f, _ := a.until("call.ringing"); f.Call.AgentID != idA {
		t.Fatalf("frame %+v", f)
	}
	b.send(`{"type":"ping"}`)
	if _, seen := b.until("pong"); len(seen) > 0 {
		for _, f := range seen {
			if f.Type == "call.ringing" {
				t.Fatal("another agent got the ringing frame")
			}
		}
	}
}

// ringing is a call.ringing frame for agent, as the calls feature sends it.
func ringing(agent desk.ID) call.Frame {
	return call.Frame{Type: desk.FrameCallRinging, Call: call.View{ID: "n1.c1", ConversationID: 7, QueueID: 1,
		Direction: desk.CallInbound, State: call.Ringing, AgentID: agent}}
}

// Call frames cross nodes: NotifyAgent delivers here once (its own signal,
// handed back by the bus, is skipped), and another node's call signal
// reaches this node's sockets of that agent only.
func TestCallFramesAcrossNodes(t *testing.T) {
	e := newEnv(t, realtime.Config{Node: "here"})
	tokA, idA := e.login("a@example.com", desk.RoleAgent, e.qa)
	tokB, _ := e.login("b@example.com", desk.RoleAgent, e.qa)
	a, b := e.dial(tokA, ""), e.dial(tokB, "")

	e.hub.NotifyAgent(idA, ringing(idA))
	a.until("call.ringing")
	ended := ringing(idA)
	ended.Type, ended.Call.State = desk.FrameCallEnded, call.Ended
	payload, _ := json.Marshal(ended)
	e.hub.OnSignal(bus.Signal{Type: bus.SignalCall, AgentID: idA, Payload: payload, Origin: "there"})
	_, seen := a.until("call.ended")
	for _, c := range []*conn{a, b} {
		c.send(`{"type":"ping"}`)
		_, more := c.until("pong")
		if c == b {
			seen = nil
		}
		for _, f := range append(seen, more...) {
			if strings.HasPrefix(f.Type, "call.") {
				t.Fatalf("unexpected call frame %+v (delivered twice, or to another agent)", f)
			}
		}
	}
}
