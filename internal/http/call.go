package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// The call routes (issue 10) parse, call internal/voice and render.

// Calls wires the voice feature (issue 10) into the server; nil Service
// answers the call routes with 404.
type Calls = voice.Config

// The calls' answers are internal/voice's.
type (
	callResponse         = voice.Response
	callLinkResponse     = voice.Link
	callLinkCallResponse = voice.LinkCall
)

// callCreateRequest starts an outbound call: the number (E.164) defaults
// to the Voice conversation's contact; sdp is the agent's WebRTC offer.
type callCreateRequest struct {
	ConversationID desk.ID `json:"conversation_id"`
	Number         string  `json:"number"`
	SDP            string  `json:"sdp"`
}

type sdpRequest struct {
	SDP string `json:"sdp"`
}

// agentCalls is the call service and the signed-in caller of a request
// on the caller's own calls.
func (s *Server) agentCalls(r *http.Request) (*call.Service, *desk.Actor, error) {
	if err := s.voice.Enabled(); err != nil {
		return nil, nil, err
	}
	actor, err := desk.RequireActor(r.Context())
	if err != nil {
		return nil, nil, err
	}
	return s.voice.Service, actor, nil
}

// respondCall renders a call for the caller, with media counters.
func (s *Server) respondCall(w http.ResponseWriter, status int, c *call.Call, sdp string) {
	writeJSON(w, status, s.voice.View(c, sdp))
}

// handleCallCreate starts an outbound call from a visible conversation.
func (s *Server) handleCallCreate(w http.ResponseWriter, r *http.Request) error {
	_, actor, err := s.agentCalls(r)
	if err != nil {
		return err
	}
	var req callCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c, answer, err := s.voice.Create(r.Context(), actor.AgentID, req.ConversationID, req.Number, req.SDP)
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusCreated, c, answer)
	return nil
}

func (s *Server) handleCallGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.voice.FindVisible(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusOK, c, "")
	return nil
}

// handleCallAnswer answers a ringing call; an SDP offer in the body
// connects the agent's audio in the same request (the answer comes back).
func (s *Server) handleCallAnswer(w http.ResponseWriter, r *http.Request) error {
	var req sdpRequest
	if err := s.decodeOptional(r, &req); err != nil {
		return err
	}
	actor, err := desk.RequireActor(r.Context())
	if err != nil {
		return err
	}
	c, sdp, err := s.voice.Answer(r.Context(), actor, r.PathValue("id"), req.SDP)
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusOK, c, sdp)
	return nil
}

// handleCallMedia (re)connects the agent's audio to their call.
func (s *Server) handleCallMedia(w http.ResponseWriter, r *http.Request) error {
	var req sdpRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	actor, err := desk.RequireActor(r.Context())
	if err != nil {
		return err
	}
	c, sdp, err := s.voice.Reconnect(r.Context(), actor, r.PathValue("id"), req.SDP)
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusOK, c, sdp)
	return nil
}

// callAction runs one of the in-call actions of the agent.
func (s *Server) callAction(fn voice.Action) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.voice.Act(r.Context(), r.PathValue("id"), fn)
		if err != nil {
			return err
		}
		s.respondCall(w, http.StatusOK, c, "")
		return nil
	}
}

// callTransferRequest names the target of a blind transfer (I3): an agent
// of the call's queue, a queue with automatic assignment, or an E.164
// number dialed over the SIP trunk.
type callTransferRequest struct {
	AgentID *desk.ID `json:"agent_id"`
	QueueID *desk.ID `json:"queue_id"`
	Number  string   `json:"number"`
}

func (s *Server) handleCallTransfer(w http.ResponseWriter, r *http.Request) error {
	var req callTransferRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c, err := s.voice.Transfer(r.Context(), r.PathValue("id"), req.AgentID, req.QueueID, req.Number)
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusOK, c, "")
	return nil
}

// callDTMFRequest carries the keys the agent pressed in the call dock.
type callDTMFRequest struct {
	Digits string `json:"digits"`
}

// handleCallDTMF sends the agent's key presses to a customer on the SIP
// trunk (RFC 4733 telephone-events), e.g. to an IVR's menu.
func (s *Server) handleCallDTMF(w http.ResponseWriter, r *http.Request) error {
	var req callDTMFRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	return s.callAction(func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
		return svc.DTMF(ctx, id, agent, req.Digits)
	})(w, r)
}

// handleCallRecording streams a call's recording (I4) to whoever may see
// its conversation.
func (s *Server) handleCallRecording(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.cfg.Store.FindCallByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if rec.Recording == "" || !strings.HasSuffix(rec.Recording, ".wav") {
		return desk.Errorf(desk.ENOTFOUND, "this call has no recording")
	}
	w.Header().Set("Content-Type", "audio/wav")
	http.ServeFile(w, r, rec.Recording)
	return nil
}

// decodeOptional decodes a JSON body when there is one.
func (s *Server) decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return s.decode(r, v)
}

// handleCallICEServers gives the workspace its RTCPeerConnection
// configuration for calls.
func (s *Server) handleCallICEServers(w http.ResponseWriter, r *http.Request) error {
	if err := s.voice.Enabled(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ice_servers": s.voice.ICEServers()})
	return nil
}
