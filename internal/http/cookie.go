package http

import (
	"net/http"
	"strings"
	"time"
)

// sessionCookie is the browser's session cookie.
const sessionCookie = "switchboard_session"

// secureCookies reports whether the site is served over https, so that
// cookies must carry Secure (and responses HSTS): the request came
// over TLS, or the server is configured with an https base URL (TLS ended
// at a proxy in front of it). X-Forwarded-Proto is not trusted: anyone can
// send it.
func (s *Server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(strings.ToLower(s.cfg.BaseURL), "https://")
}

// setSessionCookie gives the browser the session: HttpOnly so scripts
// (an XSS) cannot read it, SameSite=Lax so other sites' forms and
// fetches do not carry it, Secure whenever the site is served over https.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode, Expires: expires})
}

// clearSessionCookie removes the session cookie (same flags, so browsers
// match and drop it).
func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
