package http

import (
	_ "embed"
	"html/template"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The Live Chat preview (issue 20's first run): a stand-in for the
// customer's site, embedding a Live Chat channel's widget, shown in the
// workspace's set-up checklist (a same-origin frame) and openable alone.
var (
	//go:embed livechat_preview.html
	livechatPreviewHTML string
	livechatPreview     = template.Must(template.New("preview").Parse(livechatPreviewHTML))
)

// livechatPreviewCSP is the page's own policy: the widget styles its
// shadow root with a <style> element, as it may on any site, so inline
// styles are allowed here (no inline script); the workspace may frame it.
const livechatPreviewCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

// handleLiveChatPreview serves the preview page of a Live Chat channel;
// 404 for any other ID. The channel's ID and name are what the widget
// shows visitors anyway.
func (s *Server) handleLiveChatPreview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cs, err := s.channelStore()
	if err != nil {
		return err
	}
	c, err := cs.FindChannelByID(desk.NewContextWithActor(r.Context(), desk.SystemActor), id)
	if err != nil {
		return err
	}
	if c.Kind != desk.ChannelLiveChat || s.cfg.Widget == nil {
		return desk.Errorf(desk.ENOTFOUND, "no Live Chat channel %s", id)
	}
	scheme := "http"
	if r.TLS != nil || s.secureCookies(r) {
		scheme = "https"
	}
	h := w.Header()
	h.Set("Content-Security-Policy", livechatPreviewCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	return livechatPreview.Execute(w, map[string]string{"ID": c.ID.String(), "Name": c.Name, "Origin": scheme + "://" + r.Host})
}
