package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

type wrapUpFinishRequest struct {
	Summary string `json:"summary"`
}

// wrapUpResponse is an agent's wrap-up with the seconds left.
type wrapUpResponse struct {
	AgentID          desk.ID `json:"agent_id"`
	CallID           string  `json:"call_id"`
	ConversationID   desk.ID `json:"conversation_id"`
	RemainingSeconds float64 `json:"remaining_seconds"`
	Extensions       int     `json:"extensions"`
	Summary          string  `json:"summary"`
}

// handleWrapUpGet returns the caller's running wrap-up (I1), 404 if none.
func (s *Server) handleWrapUpGet(w http.ResponseWriter, r *http.Request) error {
	svc, actor, err := s.agentCalls(r)
	if err != nil {
		return err
	}
	wu := svc.WrapUpOf(actor.AgentID)
	if wu == nil {
		return s.nothingRunning(w, r, "no wrap-up is running")
	}
	writeJSON(w, http.StatusOK, wrapUpResponse{AgentID: wu.AgentID, CallID: wu.CallID, ConversationID: wu.ConversationID,
		RemainingSeconds: wu.Remaining(s.cfg.Clock.Now()).Seconds(), Extensions: wu.Extensions, Summary: wu.Summary})
	return nil
}

// handleWrapUpExtend adds ten seconds to the caller's wrap-up.
func (s *Server) handleWrapUpExtend(w http.ResponseWriter, r *http.Request) error {
	svc, actor, err := s.agentCalls(r)
	if err != nil {
		return err
	}
	wu, err := svc.ExtendWrapUp(r.Context(), actor.AgentID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wrapUpResponse{AgentID: wu.AgentID, CallID: wu.CallID, ConversationID: wu.ConversationID,
		RemainingSeconds: wu.Remaining(s.cfg.Clock.Now()).Seconds(), Extensions: wu.Extensions})
	return nil
}

// handleWrapUpFinish ends the caller's wrap-up with the call summary.
func (s *Server) handleWrapUpFinish(w http.ResponseWriter, r *http.Request) error {
	svc, actor, err := s.agentCalls(r)
	if err != nil {
		return err
	}
	var req wrapUpFinishRequest
	if err := s.decodeOptional(r, &req); err != nil {
		return err
	}
	wu, err := svc.FinishWrapUp(r.Context(), actor.AgentID, req.Summary)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wrapUpResponse{AgentID: wu.AgentID, CallID: wu.CallID, ConversationID: wu.ConversationID,
		Extensions: wu.Extensions, Summary: wu.Summary})
	return nil
}

// handleMyCall returns the caller's live call (ringing, dialing, in a
// call, on hold) with its media counters, or 404: the workspace's call
// panel reads it when a call frame arrives or the socket is down.
func (s *Server) handleMyCall(w http.ResponseWriter, r *http.Request) error {
	svc, actor, err := s.agentCalls(r)
	if err != nil {
		return err
	}
	c := svc.CallOf(actor.AgentID)
	if c == nil {
		return s.nothingRunning(w, r, "no call")
	}
	s.respondCall(w, http.StatusOK, c, "")
	return nil
}

// nothingRunning answers "no current call / wrap-up" as an empty answer
// (204): the workspace polls these, and nothing running is no error. A
// request another node forwarded gets 404, which tells that node to ask
// the next one.
func (s *Server) nothingRunning(w http.ResponseWriter, r *http.Request, what string) error {
	if r.Header.Get(forwardedHeader) != "" {
		return desk.Errorf(desk.ENOTFOUND, "%s", what)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// emptyWithoutCalls answers 204 (nothing running) on a server without
// calls, for the caller's own call and wrap-up.
func (s *Server) emptyWithoutCalls(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.voice.Enabled() != nil {
			return s.nothingRunning(w, r, "calls are not enabled")
		}
		return h(w, r)
	}
}
