package http

import (
	"context"
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The call link page (I5): a small page served by Switchboard from which a
// customer calls in the browser. Its script is a separate file so the
// strict Content-Security-Policy (script-src 'self') holds.
var (
	//go:embed call_page.html
	callPageHTML string
	//go:embed call_page.js
	callPageJS []byte
	//go:embed call_page.css
	callPageCSS []byte
	callPage    = template.Must(template.New("call").Parse(callPageHTML))
)

type callLinkResponse struct {
	URL       string    `json:"url"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

type callLinkCallResponse struct {
	CallID string     `json:"call_id"`
	State  call.State `json:"state"`
	SDP    string     `json:"sdp,omitempty"`
}

// handleCallLinkCreate signs a call link for a visible, open conversation,
// for the agent to send in the chat.
func (s *Server) handleCallLinkCreate(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Calls.Service == nil || s.cfg.Calls.Links == nil {
		return desk.Errorf(desk.ENOTFOUND, "calls are not enabled")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	conv, err := s.cfg.Store.FindConversationByID(r.Context(), id)
	if err != nil {
		return err
	}
	if conv.Status == desk.ConversationClosed {
		return desk.CodedErrorf(desk.ECONFLICT, "conversation_closed", "the conversation is closed")
	}
	token, exp := s.cfg.Calls.Links.Sign(conv.ID, 0)
	base := strings.TrimSuffix(s.cfg.Calls.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	writeJSON(w, http.StatusCreated, callLinkResponse{URL: base + "/call/" + token, Token: token, ExpiresAt: exp})
	return nil
}

// linkConversation verifies a call link and returns the conversation the
// call belongs to: the one the link was sent in while it is not closed,
// else a new Voice conversation of the same customer and queue (C5).
func (s *Server) linkConversation(ctx context.Context, token string) (*desk.Conversation, error) {
	if s.cfg.Calls.Service == nil || s.cfg.Calls.Links == nil {
		return nil, desk.Errorf(desk.ENOTFOUND, "calls are not enabled")
	}
	id, err := s.cfg.Calls.Links.Verify(token)
	if err != nil {
		return nil, err
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	conv, err := s.cfg.Store.FindConversationByID(sys, id)
	if err != nil || conv.Status != desk.ConversationClosed {
		return conv, err
	}
	voice := &desk.Conversation{Channel: desk.ChannelVoice, CustomerID: conv.CustomerID, QueueID: conv.QueueID,
		ContactAddress: conv.ContactAddress, SenderAddress: conv.SenderAddress}
	if err := s.cfg.Store.CreateConversation(sys, voice); err != nil {
		return nil, err
	}
	return voice, nil
}

// handleCallPage serves the customer's call page.
func (s *Server) handleCallPage(w http.ResponseWriter, r *http.Request) error {
	status := http.StatusOK
	msg := ""
	if _, err := s.linkConversation(r.Context(), r.PathValue("token")); err != nil {
		status, msg = http.StatusNotFound, "This call link is not valid."
		if desk.ErrorCode(err) == "call_link_expired" {
			status, msg = http.StatusForbidden, "This call link has expired. Please ask for a new one."
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Permissions-Policy", "microphone=(self)")
	w.WriteHeader(status)
	ice, _ := json.Marshal(s.iceServers())
	return callPage.Execute(w, map[string]string{"Token": r.PathValue("token"), "Error": msg, "ICE": string(ice)})
}

// handleCallPageScript serves the call page's script.
func (s *Server) handleCallPageScript(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, err := w.Write(callPageJS)
	return err
}

// handleCallPageStyle serves the call link page's stylesheet: the strict
// Content-Security-Policy (style-src 'self') blocks inline styles.
func (s *Server) handleCallPageStyle(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, err := w.Write(callPageCSS)
	return err
}

// handleCallLinkOffer starts the customer's call: the conversation rings
// an agent and the customer's audio joins the media hub; the SDP answer
// comes back. One call at a time per conversation.
func (s *Server) handleCallLinkOffer(w http.ResponseWriter, r *http.Request) error {
	var req sdpRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	if req.SDP == "" {
		return desk.FieldErrorf("sdp", "sdp is required")
	}
	conv, err := s.linkConversation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	svc := s.cfg.Calls.Service
	if svc.ActiveOn(conv.ID) != nil || s.callElsewhere(r.Context(), conv.ID) {
		return desk.CodedErrorf(desk.ECONFLICT, "call_in_progress", "a call is already in progress")
	}
	var prefer desk.ID
	if conv.AssigneeID != nil {
		prefer = *conv.AssigneeID
	}
	c, err := svc.Inbound(r.Context(), conv.ID, conv.QueueID, prefer)
	if err != nil {
		return err
	}
	var answer string
	if s.cfg.Calls.Media != nil {
		if answer, err = s.cfg.Calls.Media.ConnectCustomer(r.Context(), c.ID, req.SDP); err != nil {
			_, _ = svc.Hangup(r.Context(), c.ID, 0, call.BySystem)
			return &desk.Error{Kind: desk.EINVALID, Code: "media_failed", Field: "sdp", Message: err.Error()}
		}
	}
	if c, err = svc.Find(c.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, callLinkCallResponse{CallID: c.ID, State: c.State, SDP: answer})
	return nil
}

// linkCall returns the call of a link's conversation; a call that is over
// reads as ended.
func (s *Server) linkCall(r *http.Request) (*call.Call, error) {
	conv, err := s.linkConversation(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, err
	}
	c, err := s.cfg.Calls.Service.Find(r.PathValue("call_id"))
	if err != nil {
		return &call.Call{ID: r.PathValue("call_id"), State: call.Ended}, nil
	}
	if c.ConversationID != conv.ID {
		return nil, desk.Errorf(desk.ENOTFOUND, "call not found")
	}
	return c, nil
}

// handleCallLinkState tells the customer's page where the call is.
func (s *Server) handleCallLinkState(w http.ResponseWriter, r *http.Request) error {
	c, err := s.linkCall(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, callLinkCallResponse{CallID: c.ID, State: c.State})
	return nil
}

// handleCallLinkHangup ends the call from the customer's side.
func (s *Server) handleCallLinkHangup(w http.ResponseWriter, r *http.Request) error {
	c, err := s.linkCall(r)
	if err != nil {
		return err
	}
	if c.State != call.Ended {
		if _, err := s.cfg.Calls.Service.Hangup(r.Context(), c.ID, 0, call.ByCustomer); err != nil && desk.ErrorCode(err) != "call_state" {
			return err
		}
	}
	writeJSON(w, http.StatusOK, callLinkCallResponse{CallID: c.ID, State: call.Ended})
	return nil
}
