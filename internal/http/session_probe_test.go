package http

import "testing"

// TestSessionProbe: the page-load probe answers 200 either way, with the
// agent for a live session and null without one or with a revoked one.
func TestSessionProbe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var got struct {
		Agent *struct{ Email string } `json:"agent"`
	}
	e.do("GET", "/api/v1/auth/session", "", "", 200, &got)
	if got.Agent != nil {
		t.Fatalf("anonymous: %+v", got.Agent)
	}
	e.do("GET", "/api/v1/auth/session", "sb_not-a-token", "", 200, &got)
	if got.Agent != nil {
		t.Fatalf("bad token: %+v", got.Agent)
	}
	e.do("GET", "/api/v1/auth/session", e.agentA, "", 200, &got)
	if got.Agent == nil || got.Agent.Email != "a@example.com" {
		t.Fatalf("signed in: %+v", got.Agent)
	}
	e.do("POST", "/api/v1/auth/logout", e.agentA, "", 204, nil)
	got.Agent = nil
	e.do("GET", "/api/v1/auth/session", e.agentA, "", 200, &got)
	if got.Agent != nil {
		t.Fatalf("after logout: %+v", got.Agent)
	}
}
