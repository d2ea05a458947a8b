package auth

import (
	"slices"
	"strings"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// Scopes an integration token can hold. A token holds at least one; each
// API route needs one scope (read for GET, write otherwise, per area) or
// is for signed-in people only (sessions, 2FA, the live feed, calls,
// tokens themselves, the audit log). "inbound" is what a token could do
// before scopes existed: post to the API channel.
var Scopes = []string{
	ScopeInbound,
	"conversations:read", "conversations:write",
	"customers:read", "customers:write",
	"queues:read", "queues:write",
	"agents:read", "agents:write",
	"config:read", "config:write",
	"reports:read",
}

// ScopeInbound lets a token post inbound messages (POST /api/v1/inbound).
const ScopeInbound = "inbound"

// ValidScope reports whether s is a known scope.
func ValidScope(s string) bool { return slices.Contains(Scopes, s) }

// NormalizeScopes checks a token's requested scopes: at least one, each
// known; duplicates dropped, in the order of Scopes.
func NormalizeScopes(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, desk.FieldErrorf("scopes", "choose at least one scope")
	}
	for _, s := range in {
		if !ValidScope(s) {
			return nil, desk.FieldErrorf("scopes", "unknown scope %q (known: %s)", s, strings.Join(Scopes, ", "))
		}
	}
	out := make([]string, 0, len(in))
	for _, s := range Scopes {
		if slices.Contains(in, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// HasScope reports whether the identity may use a route needing scope:
// sessions always (their role is checked by the services), integration
// tokens when they hold it. A write scope implies the area's read.
func (id *Identity) HasScope(scope string) bool {
	if !id.Integration {
		return true
	}
	if slices.Contains(id.Scopes, scope) {
		return true
	}
	if area, ok := strings.CutSuffix(scope, ":read"); ok {
		return slices.Contains(id.Scopes, area+":write")
	}
	return false
}
