package http

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestTokenScopes walks the route table (so no route escapes): every
// route either names a known scope or is for signed-in people only; a
// token without the route's scope gets 403 missing_scope, one with it
// passes the middleware, and no token reaches a people-only route (403
// token_not_allowed) whatever its scopes.
func TestTokenScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := desk.NewContextWithActor(context.Background(), &desk.Actor{AgentID: e.idAdmin, Role: desk.RoleAdmin, Name: "admin"})
	mk := func(scopes ...string) string {
		t.Helper()
		tok := auth.NewToken(auth.IntegrationPrefix)
		it := &desk.IntegrationToken{Name: strings.Join(scopes, " "), Scopes: scopes, TokenHash: auth.HashToken(tok)}
		if err := e.store.CreateIntegrationToken(admin, it); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	all := mk(auth.Scopes...)
	tokens := map[string]string{}
	without := map[string]string{}
	for _, sc := range auth.Scopes {
		tokens[sc] = mk(sc)
		var rest []string
		area, _, _ := strings.Cut(sc, ":")
		for _, o := range auth.Scopes {
			if o != sc && !(strings.HasSuffix(sc, ":read") && o == area+":write") {
				rest = append(rest, o)
			}
		}
		without[sc] = mk(rest...)
	}
	code := func(body string) string {
		_, after, ok := strings.Cut(body, `"code":"`)
		if !ok {
			return ""
		}
		c, _, _ := strings.Cut(after, `"`)
		return c
	}
	checked := 0
	for _, rt := range (&Server{}).routes() {
		if rt.Access == accessPublic {
			continue
		}
		key := rt.Method + " " + rt.Path
		tc, ok := accessTable[key]
		if !ok {
			t.Errorf("%s: no access table entry to take a request from", key)
			continue
		}
		scope := routeScope(rt.Method, rt.Path)
		send := func(tok string) (int, string) {
			return e.send(rt.Method, e.fill(tc.path, "admin"), tok, e.fill(tc.body, "admin"))
		}
		checked++
		if scope == "" {
			if st, body := send(all); st != 403 || code(body) != "token_not_allowed" {
				t.Errorf("%s (people only) with every scope: %d %s, want 403 token_not_allowed", key, st, body)
			}
			continue
		}
		if !slices.Contains(auth.Scopes, scope) {
			t.Errorf("%s needs %q, not a known scope", key, scope)
			continue
		}
		if st, body := send(without[scope]); st != 403 || code(body) != "missing_scope" {
			t.Errorf("%s without %s: %d %s, want 403 missing_scope", key, scope, st, body)
		}
		if st, body := send(tokens[scope]); st == 401 || code(body) == "missing_scope" || code(body) == "token_not_allowed" {
			t.Errorf("%s with %s: %d %s, want past the middleware", key, scope, st, body)
		}
	}
	if checked < 100 {
		t.Fatalf("only %d routes checked", checked)
	}
}

// TestTokenScopeUse: a token acts for its creator within its scopes — a
// read token lists conversations but cannot change one; write implies
// read; created through the API the scopes are checked and listed.
func TestTokenScopeUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var bad struct {
		Error struct{ Code, Field string }
	}
	e.do("POST", "/api/v1/integration-tokens", e.admin, `{"name":"x","scopes":["conversations:delete"]}`, 400, &bad)
	if bad.Error.Field != "scopes" {
		t.Fatalf("unknown scope: %+v", bad)
	}
	e.do("POST", "/api/v1/integration-tokens", e.admin, `{"name":"x","scopes":[]}`, 400, nil)
	var ro, rw struct {
		Token  string
		Scopes []string
	}
	e.do("POST", "/api/v1/integration-tokens", e.admin, `{"name":"reader","scopes":["conversations:read","conversations:read"]}`, 201, &ro)
	e.do("POST", "/api/v1/integration-tokens", e.admin, `{"name":"writer","scopes":["conversations:write","inbound"]}`, 201, &rw)
	if !slices.Equal(ro.Scopes, []string{"conversations:read"}) || !slices.Equal(rw.Scopes, []string{"inbound", "conversations:write"}) {
		t.Fatalf("scopes: %v %v", ro.Scopes, rw.Scopes)
	}
	conv := "/api/v1/conversations/" + e.convA.String()
	e.do("GET", conv, ro.Token, "", 200, nil)
	e.do("PATCH", conv, ro.Token, `{"priority":"high"}`, 403, nil)
	e.do("GET", "/api/v1/customers", ro.Token, "", 403, nil)
	e.do("GET", conv, rw.Token, "", 200, nil)
	e.do("PATCH", conv, rw.Token, `{"priority":"high"}`, 200, nil)
	e.do("GET", "/api/v1/me", rw.Token, "", 403, nil)
	var list struct {
		Items []struct {
			Name   string
			Scopes []string
		}
	}
	e.do("GET", "/api/v1/integration-tokens", e.admin, "", 200, &list)
	if len(list.Items) != 2 || !slices.Equal(list.Items[1].Scopes, rw.Scopes) {
		t.Fatalf("list: %+v", list.Items)
	}
}
