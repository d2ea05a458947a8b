package http

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/trace"
	"go.opentelemetry.io/otel/attribute"
)

// Access levels of a route.
const (
	accessPublic      = iota // no credentials
	accessAgent              // a signed-in agent (roles checked by services)
	accessIntegration        // an integration token or an admin's session
	// accessEnroll is a signed-in agent, also while the session is
	// restricted to 2FA enrollment (the role requires 2FA, not yet set up):
	// own profile, logout and the enrollment routes.
	accessEnroll
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController (WebSocket hijacking, flushing)
// reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap adds metrics, authentication and CSRF checks to a route's handler.
func (s *Server) wrap(rt route) http.Handler {
	label := rt.Method + " " + rt.Path
	scope := routeScope(rt.Method, rt.Path)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		// Every request has an ID (the caller's X-Request-ID if sane), in
		// the answer and in every line logged with its context; and a
		// server span, continuing the caller's trace.
		rid := r.Header.Get("X-Request-ID")
		if !trace.ValidRequestID(rid) {
			rid = trace.NewRequestID()
		}
		w.Header().Set("X-Request-ID", rid)
		r, span := trace.ServerSpan(r.WithContext(trace.WithRequestID(r.Context(), rid)), label)
		defer func() {
			span.SetAttributes(attribute.Int("http.response.status_code", sw.status), attribute.String("http.route", rt.Path))
			span.End()
			s.metrics.latency.WithLabelValues(label, strconv.Itoa(sw.status)).Observe(time.Since(start).Seconds())
		}()
		if strings.ContainsFunc(r.URL.Path, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			s.writeError(sw, r, desk.Errorf(desk.ENOTFOUND, "not found"))
			return
		}
		cleanQuery(r)
		ip := s.clientIP(r)
		r = r.WithContext(auth.NewContextWithClientIP(r.Context(), ip))
		// The body's deadline was set by the root handler (Handler).
		body, _ := r.Body.(*deadlineBody)
		if rt.Access == accessPublic && !isUpgrade(r) {
			key, limit := ip, s.timeouts.AnonPerAddress
			if strings.HasPrefix(rt.Path, "/webhooks/") {
				key, limit = "webhook|"+ip, limit*webhookFactor
			}
			if !s.anon.acquire(key, limit) {
				s.writeError(sw, r, errTooManyConnections())
				return
			}
			defer s.anon.release(key)
		}
		if rt.Access != accessPublic {
			ctx, err := s.authenticate(r, rt.Access)
			if err == nil {
				err = checkScope(identity(ctx), scope)
			}
			if err != nil {
				s.writeError(sw, r, err)
				return
			}
			r = r.WithContext(ctx)
		}
		h := rt.Handler
		if idempotentRoutes[label] {
			h = func(w http.ResponseWriter, r *http.Request) error { return s.idempotent(w, r, rt.Handler) }
		}
		if err := h(sw, r); err != nil {
			if body != nil && body.expired() {
				err = errBodyTimeout // whatever the handler made of the cut body
			}
			s.writeError(sw, r, err)
		}
	})
}

type identityKey struct{}

// authenticate resolves the bearer token or session cookie and puts the
// actor into the context.
func (s *Server) authenticate(r *http.Request, access int) (context.Context, error) {
	token, fromCookie := bearer(r), false
	if token == "" {
		if c, err := r.Cookie(sessionCookie); err == nil {
			token, fromCookie = c.Value, true
		}
	}
	id, err := s.auth.Resolve(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if fromCookie && !sameOrigin(r) {
		return nil, desk.CodedErrorf(desk.EFORBIDDEN, "csrf", "cross-site request refused; send X-Requested-With from the workspace")
	}
	switch {
	case id.EnrollRequired && access != accessEnroll:
		return nil, desk.CodedErrorf(desk.EFORBIDDEN, "totp_enrollment_required", "set up two-factor sign-in first: your role requires it")
	case id.Integration && access == accessEnroll:
		return nil, desk.CodedErrorf(desk.EFORBIDDEN, "token_not_allowed", "integration tokens cannot use this route: it is for signed-in people")
	case access == accessIntegration && !id.Integration && !id.Actor.Can(desk.RoleAdmin):
		return nil, desk.Errorf(desk.EFORBIDDEN, "this requires an integration token or an admin")
	}
	ctx := desk.NewContextWithActor(r.Context(), id.Actor)
	return withIdentity(ctx, id), nil
}

// checkScope refuses an integration token the route's scope (sessions
// pass: their role is checked by the services). scope "" is a route for
// signed-in people only.
func checkScope(id *auth.Identity, scope string) error {
	switch {
	case !id.Integration:
		return nil
	case scope == "":
		return desk.CodedErrorf(desk.EFORBIDDEN, "token_not_allowed", "integration tokens cannot use this route: it is for signed-in people")
	case !id.HasScope(scope):
		return &desk.Error{Kind: desk.EFORBIDDEN, Code: "missing_scope", Field: scope,
			Message: "this integration token lacks the scope " + scope + "; create a token with it"}
	}
	return nil
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// crossOrigin is the standard library's CSRF defence: a write whose
// Sec-Fetch-Site is neither same-origin nor none, or (older browsers)
// whose Origin names another host, is refused.
var crossOrigin = http.NewCrossOriginProtection()

// sameOrigin is the CSRF defence for cookie sessions: reads pass; a write
// must pass crossOrigin and carry X-Requested-With, which browsers do not
// let another site set without a CORS preflight we never grant.
func sameOrigin(r *http.Request) bool {
	if crossOrigin.Check(r) != nil {
		return false
	}
	safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
	return safe || r.Header.Get("X-Requested-With") != ""
}

// contentSecurityPolicy allows only the server's own scripts, styles and
// connections: no inline script or style, no eval, no plugins, no framing,
// no <base> rewriting. Message content is rendered as text; should an XSS
// slip through anyway, injected inline script does not run. Images and
// media may also be data:/blob: URLs (attachment previews, QR codes). Frames
// only of our own pages (the Live Chat preview of the set-up checklist).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets headers every response carries; HSTS when the site
// is served over https.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		if s.secureCookies(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// cleanQuery applies the text rule (desk.CleanText) to the query string's
// keys and values.
func cleanQuery(r *http.Request) {
	raw := r.URL.RawQuery
	if !strings.Contains(raw, "%") {
		return
	}
	q := r.URL.Query()
	changed := false
	for k, vs := range q {
		for i, v := range vs {
			if c := desk.CleanText(v); c != v {
				vs[i], changed = c, true
			}
		}
		if c := desk.CleanText(k); c != k {
			q[c], changed = append(q[c], vs...), true
			delete(q, k)
		}
	}
	if changed {
		r.URL.RawQuery = q.Encode()
	}
}
