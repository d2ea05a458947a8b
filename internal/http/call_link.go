package http

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// The call link page (I5): a small page served by Switchboard from which a
// customer calls in the browser. Its script (web/embedded/callPage.ts,
// built by the web build, Config.CallScript) is a separate file so the
// strict Content-Security-Policy (script-src 'self') holds.
var (
	//go:embed call_page.html
	callPageHTML string
	//go:embed call_page.css
	callPageCSS []byte
	callPage    = template.Must(template.New("call").Parse(callPageHTML))
)

// handleCallLinkCreate signs a call link for a visible, open conversation,
// for the agent to send in the chat.
func (s *Server) handleCallLinkCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.voice.Enabled(); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	link, err := s.voice.CreateLink(r.Context(), id, scheme+"://"+r.Host)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, link)
	return nil
}

// handleCallPage serves the customer's call page.
func (s *Server) handleCallPage(w http.ResponseWriter, r *http.Request) error {
	status := http.StatusOK
	msg := ""
	if _, err := s.voice.LinkConversation(r.Context(), r.PathValue("token")); err != nil {
		status, msg = http.StatusNotFound, "This call link is not valid."
		if desk.ErrorCode(err) == "call_link_expired" {
			status, msg = http.StatusForbidden, "This call link has expired. Please ask for a new one."
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Permissions-Policy", "microphone=(self)")
	w.WriteHeader(status)
	ice, _ := json.Marshal(s.voice.ICEServers())
	return callPage.Execute(w, map[string]string{"Token": r.PathValue("token"), "Error": msg, "ICE": string(ice)})
}

// handleCallPageScript serves the call page's script.
func (s *Server) handleCallPageScript(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.CallScript == nil {
		writeWebNotBuilt(w, "the call link page's script")
		return nil
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, err := w.Write(s.cfg.CallScript)
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
	res, err := s.voice.LinkOffer(r.Context(), r.PathValue("token"), req.SDP)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// handleCallLinkState tells the customer's page where the call is.
func (s *Server) handleCallLinkState(w http.ResponseWriter, r *http.Request) error {
	c, err := s.voice.FindLinkCall(r.Context(), r.PathValue("token"), r.PathValue("call_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, voice.LinkCall{CallID: c.ID, State: c.State})
	return nil
}

// handleCallLinkHangup ends the call from the customer's side.
func (s *Server) handleCallLinkHangup(w http.ResponseWriter, r *http.Request) error {
	res, err := s.voice.LinkHangup(r.Context(), r.PathValue("token"), r.PathValue("call_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
