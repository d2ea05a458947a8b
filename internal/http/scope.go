package http

import (
	"strings"

	"github.com/switchboard-cc/switchboard/internal/auth"
)

// Integration tokens reach a route only with its scope (auth.Scopes),
// checked by the middleware for every route (authenticate): the area of
// the route's path, ":read" for GET and ":write" otherwise. Routes for
// signed-in people only — their own session, 2FA and password, the live
// feed, browser calls, tokens themselves, the audit log and the 2FA
// policy — have no scope: no token reaches them.

// sessionOnly lists path prefixes no integration token may use.
var sessionOnly = []string{
	"/api/v1/auth/", "/api/v1/me", "/api/v1/push/", "/api/v1/ws",
	"/api/v1/integration-tokens", "/api/v1/audit", "/api/v1/settings/two-factor",
	"/api/v1/calls", "/api/v1/organisation",
}

// scopeAreas maps path prefixes (after /api/v1) to scope areas; the
// longest matching prefix wins.
var scopeAreas = []struct{ prefix, area string }{
	{"/conversations", "conversations"},
	{"/internal-conversations", "conversations"},
	{"/search", "conversations"},
	{"/attachments/", "conversations"},
	{"/senders", "conversations"},
	{"/sms/", "conversations"},
	{"/customers", "customers"},
	{"/queues", "queues"},
	{"/agents", "agents"},
	{"/statuses", "agents"},
	{"/reports/", "reports"},
	{"/wallboard", "reports"},
	{"/sla/", "conversations"},
	{"/templates", "config"},
	{"/macros", "config"},
	{"/forms", "config"},
	{"/cards", "config"},
	{"/tags", "config"},
	{"/calendars", "config"},
	{"/sla-policies", "config"},
	{"/routing-rules", "config"},
	{"/channels", "config"},
	{"/dead-letters", "config"},
	{"/retention", "config"},
	{"/settings/external-transfer", "config"},
}

// routeScope returns the scope a token needs for a route, or "" when no
// token may use it.
func routeScope(method, path string) string {
	if method == "POST" && path == "/api/v1/inbound" {
		return auth.ScopeInbound
	}
	for _, p := range sessionOnly {
		if strings.HasPrefix(path, p) {
			return ""
		}
	}
	// An agent's 2FA reset is a security action like the policy.
	if strings.HasSuffix(path, "/totp") {
		return ""
	}
	rest, ok := strings.CutPrefix(path, "/api/v1")
	if !ok {
		return ""
	}
	area, best := "", 0
	for _, a := range scopeAreas {
		if strings.HasPrefix(rest, a.prefix) && len(a.prefix) > best {
			area, best = a.area, len(a.prefix)
		}
	}
	if area == "" {
		return ""
	}
	// Applying a macro to one's draft works on a conversation.
	if strings.HasPrefix(rest, "/macros/{id}/draft") {
		area = "conversations"
	}
	// Counting SMS segments changes nothing: a POST only to carry the text.
	if method == "GET" || method == "HEAD" || rest == "/sms/segments" {
		return area + ":read"
	}
	if area == "reports" {
		return "" // reports are read-only
	}
	return area + ":write"
}
