package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/media"
	"github.com/switchboard-cc/switchboard/internal/phone"
)

// Calls wires the voice feature (issue 10) into the server; nil Service
// answers the call routes with 404.
type Calls struct {
	Service *call.Service
	// Media bridges the calls' audio; nil runs calls without media.
	Media *media.Hub
	// Links signs call links (I5).
	Links *call.Links
	// PublicURL prefixes call links (https://desk.example.com); empty uses
	// the request's host.
	PublicURL string
	// Nodes finds the owners of other nodes' calls; nil on one node.
	Nodes CallNodes
}

// callResponse is a call with its media: the SDP answer to an offer the
// request carried, and the packet counters.
type callResponse struct {
	Call  call.View    `json:"call"`
	SDP   string       `json:"sdp,omitempty"`
	Media *media.Stats `json:"media,omitempty"`
}

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

// calls returns the call service or ENOTFOUND when voice is off.
func (s *Server) calls() (*call.Service, error) {
	if s.cfg.Calls.Service == nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "calls are not enabled")
	}
	return s.cfg.Calls.Service, nil
}

// agentCalls is the call service and the signed-in caller of a request
// on the caller's own calls.
func (s *Server) agentCalls(r *http.Request) (*call.Service, *desk.Actor, error) {
	svc, err := s.calls()
	if err != nil {
		return nil, nil, err
	}
	actor, err := desk.RequireActor(r.Context())
	if err != nil {
		return nil, nil, err
	}
	return svc, actor, nil
}

// respondCall renders a call for the caller, with media counters.
func (s *Server) respondCall(w http.ResponseWriter, status int, c *call.Call, sdp string) {
	res := callResponse{Call: s.cfg.Calls.Service.View(c), SDP: sdp}
	if s.cfg.Calls.Media != nil {
		if st, ok := s.cfg.Calls.Media.Stats(c.ID); ok {
			res.Media = &st
		}
	}
	writeJSON(w, status, res)
}

// handleCallCreate starts an outbound call from a visible conversation:
// the agent's offer connects their audio, then the customer's number is
// dialed over the SIP trunk and bridged when it answers.
func (s *Server) handleCallCreate(w http.ResponseWriter, r *http.Request) error {
	svc, actor, err := s.agentCalls(r)
	if err != nil {
		return err
	}
	var req callCreateRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	conv, err := s.cfg.Store.FindConversationByID(r.Context(), req.ConversationID)
	if err != nil {
		return err
	}
	if conv.Status == desk.ConversationClosed {
		return desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	if req.Number == "" && conv.Channel == desk.ChannelVoice {
		req.Number = conv.ContactAddress
	}
	number, err := phone.Key("number", req.Number, s.phones.Typed(r.Context(), desk.ChannelVoice, ""))
	if err != nil {
		return err
	}
	if err := call.ValidNumber("number", number); err != nil {
		return err
	}
	if !svc.HasTrunk() {
		return &desk.Error{Kind: desk.EINVALID, Code: "no_trunk", Field: "number", Message: "no SIP trunk is configured"}
	}
	codec := media.PCMU
	if req.SDP != "" {
		if codec, err = media.OfferedCodec(req.SDP); err != nil {
			return &desk.Error{Kind: desk.EINVALID, Code: "media_failed", Field: "sdp", Message: err.Error()}
		}
	}
	c, err := svc.Outbound(r.Context(), conv.ID, conv.QueueID, actor.AgentID)
	if err != nil {
		return err
	}
	var answer string
	if m := s.cfg.Calls.Media; m != nil {
		err = m.Open(c.ID, codec)
		if err == nil {
			answer, err = s.connectAgent(r.Context(), c, req.SDP)
		}
	}
	if err == nil {
		c, err = svc.DialOut(r.Context(), c.ID, actor.AgentID, number)
	}
	if err != nil {
		_, _ = svc.Hangup(r.Context(), c.ID, actor.AgentID, call.BySystem)
		return err
	}
	s.respondCall(w, http.StatusCreated, c, answer)
	return nil
}

// visibleCall returns a live call whose conversation the caller sees.
func (s *Server) visibleCall(r *http.Request) (*call.Call, error) {
	return s.findVisibleCall(r.Context(), r.PathValue("id"))
}

// findVisibleCall returns live call id if the actor of ctx sees its
// conversation (J2), else ENOTFOUND.
func (s *Server) findVisibleCall(ctx context.Context, id string) (*call.Call, error) {
	svc, err := s.calls()
	if err != nil {
		return nil, err
	}
	c, err := svc.Find(id)
	if err != nil {
		return nil, err
	}
	if _, err := s.cfg.Store.FindConversationByID(ctx, c.ConversationID); err != nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	return c, nil
}

func (s *Server) handleCallGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.visibleCall(r)
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
	c, sdp, err := s.answerCall(r.Context(), actor, r.PathValue("id"), req.SDP)
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusOK, c, sdp)
	return nil
}

// answerCall answers call id as actor and connects the offer's audio;
// shared by the REST route and the WebSocket's call.offer frame.
func (s *Server) answerCall(ctx context.Context, actor *desk.Actor, id, offer string) (*call.Call, string, error) {
	if _, err := s.findVisibleCall(ctx, id); err != nil {
		return nil, "", err
	}
	c, err := s.cfg.Calls.Service.Answer(ctx, id, actor.AgentID)
	if err != nil {
		return nil, "", err
	}
	sdp, err := s.connectAgent(ctx, c, offer)
	return c, sdp, err
}

// connectAgent bridges the agent's offer into the call's media.
func (s *Server) connectAgent(ctx context.Context, c *call.Call, offer string) (string, error) {
	if offer == "" || s.cfg.Calls.Media == nil {
		return "", nil
	}
	answer, err := s.cfg.Calls.Media.ConnectAgent(ctx, c.ID, offer)
	if err != nil {
		return "", &desk.Error{Kind: desk.EINVALID, Code: "media_failed", Field: "sdp", Message: err.Error()}
	}
	if path := s.cfg.Calls.Media.Recording(c.ID); path != "" {
		s.cfg.Calls.Service.SetRecording(ctx, c.ID, path)
	}
	return answer, nil
}

// handleCallMedia (re)connects the agent's audio to their call.
func (s *Server) handleCallMedia(w http.ResponseWriter, r *http.Request) error {
	var req sdpRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	c, err := s.visibleCall(r)
	if err != nil {
		return err
	}
	actor, _ := desk.RequireActor(r.Context())
	if c.AgentID != actor.AgentID || !agentConnected(c) {
		return desk.CodedErrorf(desk.ECONFLICT, "call_state", "only the agent in the call connects its audio")
	}
	sdp, err := s.connectAgent(r.Context(), c, req.SDP)
	if err != nil {
		return err
	}
	s.respondCall(w, http.StatusOK, c, sdp)
	return nil
}

// callAction runs one of the in-call actions of the agent.
func (s *Server) callAction(fn func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := s.visibleCall(r); err != nil {
			return err
		}
		actor, err := desk.RequireActor(r.Context())
		if err != nil {
			return err
		}
		c, err := fn(s.cfg.Calls.Service, r.Context(), r.PathValue("id"), actor.AgentID)
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
	if req.Number != "" {
		if req.AgentID != nil || req.QueueID != nil {
			return desk.FieldErrorf("number", "give one of agent_id, queue_id and number")
		}
		number, err := phone.Key("number", req.Number, s.phones.Typed(r.Context(), desk.ChannelVoice, ""))
		if err != nil {
			return err
		}
		if err := call.CheckExternalTarget(r.Context(), s.cfg.Store, number); err != nil {
			return err
		}
		return s.callAction(func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
			return svc.TransferExternal(ctx, id, agent, number)
		})(w, r)
	}
	var toAgent, toQueue desk.ID
	if req.AgentID != nil {
		toAgent = *req.AgentID
	}
	if req.QueueID != nil {
		toQueue = *req.QueueID
	}
	return s.callAction(func(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
		return svc.Transfer(ctx, id, agent, toAgent, toQueue)
	})(w, r)
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

// hangupByAgent hangs up as the agent of the call.
func hangupByAgent(svc *call.Service, ctx context.Context, id string, agent desk.ID) (*call.Call, error) {
	return svc.Hangup(ctx, id, agent, call.ByAgent)
}

// CallOffer answers an agent's SDP offer sent over the workspace socket
// (realtime.CallOfferFunc): it answers a call ringing for the agent, or
// reconnects the audio of the agent's call in progress.
func (s *Server) CallOffer(ctx context.Context, actor *desk.Actor, creds http.Header, callID, offer string) (string, error) {
	ctx = desk.NewContextWithActor(ctx, actor)
	if offer == "" {
		return "", desk.FieldErrorf("sdp", "sdp is required")
	}
	if base, err := s.callOwnerURL(ctx, callID); err != nil {
		return "", err
	} else if base != "" {
		return s.remoteCallOffer(ctx, base, creds, callID, offer)
	}
	c, err := s.findVisibleCall(ctx, callID)
	if err != nil {
		return "", err
	}
	if c.State == call.Ringing {
		_, answer, err := s.answerCall(ctx, actor, callID, offer)
		return answer, err
	}
	if c.AgentID != actor.AgentID || !agentConnected(c) {
		return "", desk.CodedErrorf(desk.ECONFLICT, "call_state", "only the agent in the call connects its audio")
	}
	return s.connectAgent(ctx, c, offer)
}

// hasCall and hasWrapUp tell whether this node holds agent's live call or
// wrap-up (see onAgentsNode).
func hasCall(svc *call.Service, agent desk.ID) bool   { return svc.CallOf(agent) != nil }
func hasWrapUp(svc *call.Service, agent desk.ID) bool { return svc.WrapUpOf(agent) != nil }

// agentConnected reports whether the call's agent is on the line: talking,
// holding, or dialing a number.
func agentConnected(c *call.Call) bool {
	return c.State == call.InCall || c.State == call.OnHold || (c.State == call.Dialing && c.Direction == desk.CallOutbound)
}

// iceServers are the STUN/TURN servers browsers' peer connections use
// (fresh TURN credentials per request), empty without media.
func (s *Server) iceServers() []media.ICEServer {
	if s.cfg.Calls.Media == nil {
		return []media.ICEServer{}
	}
	if v := s.cfg.Calls.Media.ICEServers(); v != nil {
		return v
	}
	return []media.ICEServer{}
}

// handleCallICEServers gives the workspace its RTCPeerConnection
// configuration for calls.
func (s *Server) handleCallICEServers(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.calls(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ice_servers": s.iceServers()})
	return nil
}
