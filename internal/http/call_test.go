package http

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
)

// callEnv is env with calls and a media hub.
type callEnv struct {
	*env
	hub *media.Hub
	svc *call.Service
	// trunks is the call service's SIP trunk (nil for newCallEnvNoTrunk).
	trunks *trunkSwitch
}

// newCallEnv builds the env; cc, if given, tunes the call service (its
// wrap-up defaults to 30 s). Its service dials through the trunk a test
// starts (trunkFor) and takes calls arriving from it into queue A.
func newCallEnv(t *testing.T, cc ...call.Config) *callEnv {
	t.Helper()
	return newCallEnvWith(t, media.Config{}, true, cc...)
}

// newCallEnvMedia is newCallEnv with the media hub's configuration (its
// recordings folder and loopback candidates set here).
func newCallEnvMedia(t *testing.T, mcfg media.Config, cc ...call.Config) *callEnv {
	t.Helper()
	return newCallEnvWith(t, mcfg, true, cc...)
}

// newCallEnvNoTrunk is newCallEnv without a SIP trunk: no dialing out, no
// calls arriving from one.
func newCallEnvNoTrunk(t *testing.T) *callEnv {
	t.Helper()
	return newCallEnvWith(t, media.Config{}, false)
}

func newCallEnvWith(t *testing.T, mcfg media.Config, trunked bool, cc ...call.Config) *callEnv {
	t.Helper()
	ccfg := call.Config{WrapUp: 30 * time.Second}
	if len(cc) > 0 {
		ccfg = cc[0]
	}
	mcfg.RecordDir, mcfg.IncludeLoopback = t.TempDir(), true
	hub, err := media.NewHub(mcfg)
	if err != nil {
		t.Fatal(err)
	}
	ce := &callEnv{hub: hub}
	ce.env = newEnvWith(t, Config{}, func(cfg *envConfig) {
		cfg.BodyLimit = 1 << 20
		if trunked {
			ce.trunks = &trunkSwitch{}
			ccfg.Dialer, ccfg.Intake = ce.trunks, cfg.Store
			ccfg.Router = func(ctx context.Context, in *desk.InboundMessage) (desk.ID, error) { return ce.queueA, nil }
		}
		ce.svc = call.NewService(cfg.Store, hub, nil, ccfg)
		cfg.Calls = Calls{Service: ce.svc, Media: hub, Links: &call.Links{Secret: []byte("test"), Clock: desk.SystemClock{}}}
	})
	return ce
}

// trunkSwitch is a call service's SIP trunk in these tests: the trunk the
// test started last, as tests point calls at one sipp scenario after
// another. The server's service is given its trunk once (internal/app).
type trunkSwitch struct {
	mu sync.Mutex
	tr call.Dialer
}

// use makes tr the trunk calls dial through.
func (s *trunkSwitch) use(tr call.Dialer) { s.mu.Lock(); s.tr = tr; s.mu.Unlock() }

func (s *trunkSwitch) current() call.Dialer { s.mu.Lock(); defer s.mu.Unlock(); return s.tr }

func (s *trunkSwitch) Dial(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	if tr := s.current(); tr != nil {
		tr.Dial(ctx, callID, number, ev)
		return
	}
	go ev.Failed("no trunk started")
}

func (s *trunkSwitch) DialCustomer(ctx context.Context, callID, number string, ev call.ExternalEvents) {
	if tr := s.current(); tr != nil {
		tr.DialCustomer(ctx, callID, number, ev)
		return
	}
	go ev.Failed("no trunk started")
}

func (s *trunkSwitch) Hangup(callID string) {
	if tr := s.current(); tr != nil {
		tr.Hangup(callID)
	}
}

// agentIn creates an available agent of queue q and returns its token.
func (e *callEnv) agentIn(email string, q desk.ID) (string, desk.ID) {
	e.t.Helper()
	h, _ := auth.HashPassword("password1")
	a := &desk.Agent{Email: email, Role: desk.RoleAgent, Capacity: 5, QueueIDs: []desk.ID{q}, PasswordHash: h}
	if err := e.store.CreateAgent(desk.NewContextWithActor(context.Background(), desk.SystemActor), a); err != nil {
		e.t.Fatal(err)
	}
	var out struct{ Token string }
	e.do("POST", "/api/v1/auth/login", "", `{"email":"`+email+`","password":"password1"}`, 200, &out)
	e.do("PUT", "/api/v1/me/status", out.Token, `{"status":"available"}`, 200, nil)
	return out.Token, a.ID
}

func (e *callEnv) callState(token, id string) callResponse {
	e.t.Helper()
	var res callResponse
	e.do("GET", "/api/v1/calls/"+id, token, "", 200, &res)
	return res
}

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The agent-API path of issue 10 with pion softphones as the browsers:
// call link → the customer calls → the assignee rings → answer with audio →
// RTP both ways → hold (music) → resume → blind transfer to a colleague →
// the colleague answers → customer hangs up → wrap-up +10 s → summary →
// available; the timeline, presence and the recording follow.
func TestCallLinkToWrapUp(t *testing.T) {
	t.Parallel()
	e := newCallEnv(t)
	e.do("PUT", "/api/v1/me/status", e.agentA, `{"status":"available"}`, 200, nil)
	e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/assign", e.agentA, `{"agent_id":"`+e.idA.String()+`"}`, 200, nil)
	tokC, idC := e.agentIn("c@example.com", e.queueA)

	var link callLinkResponse
	e.do("POST", "/api/v1/conversations/"+e.convA.String()+"/call-link", e.agentA, "", 201, &link)
	if !strings.Contains(link.URL, "/call/"+link.Token) {
		t.Fatalf("link %+v", link)
	}
	page := e.do("GET", "/call/"+link.Token, "", "", 200, nil)
	if !strings.Contains(string(page), `src="/call/app.js"`) {
		t.Fatalf("page: %s", page)
	}
	e.do("GET", "/call/"+link.Token+"x", "", "", 404, nil)

	customer, offer, err := media.NewSoftphone(0x43)
	if err != nil {
		t.Fatal(err)
	}
	defer customer.Close()
	var started callLinkCallResponse
	e.do("POST", "/call/"+link.Token+"/offer", "", jsonBody(sdpRequest{SDP: offer}), 201, &started)
	if started.State != call.Ringing || started.SDP == "" {
		t.Fatalf("started %+v", started)
	}
	if err := customer.Accept(started.SDP); err != nil {
		t.Fatal(err)
	}
	e.do("POST", "/call/"+link.Token+"/offer", "", jsonBody(sdpRequest{SDP: offer}), 409, nil)
	id := started.CallID
	if c := e.callState(e.agentA, id); c.Call.AgentID != e.idA {
		t.Fatalf("rang %s, want the assignee %s", c.Call.AgentID, e.idA)
	}
	var me desk.Agent
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != desk.CallRinging {
		t.Fatalf("agent call state %q", me.CallState)
	}
	e.do("POST", "/api/v1/calls/"+id+"/answer", e.agentB, "", 404, nil) // not in the queue
	e.do("POST", "/api/v1/calls/"+id+"/answer", tokC, "", 403, nil)     // not ringing for C

	agent, aOffer, err := media.NewSoftphone(0x41)
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Close()
	var answered callResponse
	e.do("POST", "/api/v1/calls/"+id+"/answer", e.agentA, jsonBody(sdpRequest{SDP: aOffer}), 200, &answered)
	if err := agent.Accept(answered.SDP); err != nil {
		t.Fatal(err)
	}
	if answered.Call.DTMF {
		t.Fatal("the view offers keys to a browser on a call link")
	}
	waitUntil(t, "audio both ways", func() bool { return customer.Received(0x41) > 20 && agent.Received(0x43) > 20 })

	e.do("POST", "/api/v1/calls/"+id+"/hold", e.agentA, "", 200, nil)
	music := e.callState(e.agentA, id).Media.Music
	waitUntil(t, "music on hold", func() bool { return e.callState(e.agentA, id).Media.Music > music+10 })
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != desk.CallOnHold {
		t.Fatalf("on hold: call state %q", me.CallState)
	}
	e.do("POST", "/api/v1/calls/"+id+"/resume", e.agentA, "", 200, nil)

	// Only available agents of the queue; then C.
	e.do("POST", "/api/v1/calls/"+id+"/transfer", e.agentA, `{"agent_id":"`+e.idB.String()+`"}`, 400, nil)
	e.do("POST", "/api/v1/calls/"+id+"/transfer", e.agentA, `{"agent_id":"`+idC.String()+`"}`, 200, nil)
	agent2, cOffer, err := media.NewSoftphone(0x42)
	if err != nil {
		t.Fatal(err)
	}
	defer agent2.Close()
	e.do("POST", "/api/v1/calls/"+id+"/answer", tokC, jsonBody(sdpRequest{SDP: cOffer}), 200, &answered)
	if err := agent2.Accept(answered.SDP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "audio with the colleague", func() bool { return customer.Received(0x42) > 20 && agent2.Received(0x43) > 20 })

	// A is wrapping up; +10 s; C's call ends from the customer's page.
	var wu wrapUpResponse
	e.do("GET", "/api/v1/me/wrap-up", e.agentA, "", 200, &wu)
	e.do("POST", "/api/v1/me/wrap-up/extend", e.agentA, "", 200, &wu)
	if wu.Extensions != 1 || wu.RemainingSeconds < 35 {
		t.Fatalf("wrap-up %+v", wu)
	}
	e.do("POST", "/api/v1/me/wrap-up/finish", e.agentA, `{"summary":"handed to billing"}`, 200, nil)
	e.do("GET", "/api/v1/me", e.agentA, "", 200, &me)
	if me.CallState != "" {
		t.Fatalf("after wrap-up: call state %q", me.CallState)
	}
	e.do("POST", "/call/"+link.Token+"/calls/"+id+"/hangup", "", "{}", 200, nil)
	e.do("GET", "/api/v1/me", tokC, "", 200, &me)
	if me.CallState != desk.CallWrapUp {
		t.Fatalf("C after hang-up: %q", me.CallState)
	}

	var evs struct{ Items []desk.Event }
	e.do("GET", "/api/v1/conversations/"+e.convA.String()+"/events", e.agentA, "", 200, &evs)
	var actions []string
	for _, ev := range evs.Items {
		if ev.Type == desk.EventCall {
			actions = append(actions, ev.Data["action"].(string))
		}
	}
	want := "incoming ringing answered hold resumed transferred ringing wrap_up answered wrap_up_extended wrap_up_done ended wrap_up"
	if strings.Join(actions, " ") != want {
		t.Fatalf("call events %v\nwant %s", actions, want)
	}
	resp, err := http.Get(e.url + "/api/v1/calls/" + id + "/recording")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("anonymous recording: %d", resp.StatusCode)
	}
	wav := e.do("GET", "/api/v1/calls/"+id+"/recording", e.agentA, "", 200, nil)
	if len(wav) < 58+8000 || string(wav[:4]) != "RIFF" {
		t.Fatalf("recording of %d bytes", len(wav))
	}
	e.do("GET", "/api/v1/calls/"+id+"/recording", e.agentB, "", 404, nil)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
