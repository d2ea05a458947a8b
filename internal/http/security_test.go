package http

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// totpNow returns the current 6-digit code of a secret (the test server
// runs on the wall clock).
func totpNow(t *testing.T, secret string, offset int64) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, auth.TOTPStep(time.Now())+offset, otp.DigitsSix)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func login(email, password, code string) string {
	b := `{"email":"` + email + `","password":"` + password + `"`
	if code != "" {
		b += `,"totp_code":"` + code + `"`
	}
	return b + `}`
}

// TestTwoFactorAPI: enrollment, confirmation, login asking for the code,
// replay refusal, recovery code, disabling.
func TestTwoFactorAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var en auth.Enrollment
	e.do("POST", "/api/v1/auth/totp/enroll", e.agentA, "", 200, &en)
	if !strings.HasPrefix(en.URI, "otpauth://totp/Switchboard:a@example.com?") || !strings.HasPrefix(en.QRCode, "data:image/png;base64,") || en.Secret == "" {
		t.Fatalf("enrollment = %+v", en)
	}
	var bad apiError
	e.do("POST", "/api/v1/auth/totp/confirm", e.agentA, `{"code":"000000"}`, 400, &bad)
	if bad.Error.Code != "invalid_totp" || bad.Error.Field != "code" {
		t.Fatalf("wrong code: %+v", bad.Error)
	}
	var conf struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	e.do("POST", "/api/v1/auth/totp/confirm", e.agentA, `{"code":"`+totpNow(t, en.Secret, 0)+`"}`, 200, &conf)
	if len(conf.RecoveryCodes) != auth.RecoveryCodeCount {
		t.Fatalf("recovery codes: %v", conf.RecoveryCodes)
	}
	var st auth.TwoFactorStatus
	e.do("GET", "/api/v1/auth/totp", e.agentA, "", 200, &st)
	if !st.Enabled || st.Required || st.RecoveryCodesLeft != auth.RecoveryCodeCount {
		t.Fatalf("status = %+v", st)
	}
	var got apiError
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", ""), 401, &got)
	if got.Error.Code != "totp_required" {
		t.Fatalf("login without code: %+v", got.Error)
	}
	// A wrong password never reveals that 2FA is on.
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "wrong", ""), 401, &got)
	if got.Error.Code != "invalid_credentials" {
		t.Fatalf("wrong password: %+v", got.Error)
	}
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", "12345x"), 401, &got)
	if got.Error.Code != "invalid_totp" {
		t.Fatalf("wrong code: %+v", got.Error)
	}
	// The next step's code (within the skew) signs in once; a replay fails.
	next := totpNow(t, en.Secret, 1)
	var out struct{ Token string }
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", next), 200, &out)
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", next), 401, &got)
	if got.Error.Code != "invalid_totp" {
		t.Fatalf("replayed code: %+v", got.Error)
	}
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", strings.ToLower(conf.RecoveryCodes[3])), 200, &out)
	e.do("POST", "/api/v1/auth/totp/disable", out.Token, `{"code":"`+conf.RecoveryCodes[3]+`"}`, 400, &got)
	e.do("POST", "/api/v1/auth/totp/disable", out.Token, `{"code":"`+conf.RecoveryCodes[4]+`"}`, 204, nil)
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", ""), 200, nil)
}

// TestTwoFactorRequiredByRole: the admin setting restricts a new session
// of an unenrolled agent to enrollment.
func TestTwoFactorRequiredByRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.do("PUT", "/api/v1/settings/two-factor", e.sup, `{"required_roles":["agent"]}`, 403, nil)
	var p desk.TwoFactorPolicy
	e.do("PUT", "/api/v1/settings/two-factor", e.admin, `{"required_roles":["agent"]}`, 200, &p)
	if len(p.RequiredRoles) != 1 || p.RequiredRoles[0] != desk.RoleAgent {
		t.Fatalf("policy = %+v", p)
	}
	var out struct {
		Token          string
		EnrollRequired bool `json:"enroll_required"`
	}
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "password1", ""), 200, &out)
	if !out.EnrollRequired {
		t.Fatal("enroll_required not set")
	}
	var got apiError
	e.do("GET", "/api/v1/conversations", out.Token, "", 403, &got)
	if got.Error.Code != "totp_enrollment_required" {
		t.Fatalf("restricted session: %+v", got.Error)
	}
	e.do("GET", "/api/v1/me", out.Token, "", 200, nil)
	var en auth.Enrollment
	e.do("POST", "/api/v1/auth/totp/enroll", out.Token, "", 200, &en)
	e.do("POST", "/api/v1/auth/totp/confirm", out.Token, `{"code":"`+totpNow(t, en.Secret, 0)+`"}`, 200, nil)
	e.do("GET", "/api/v1/conversations", out.Token, "", 200, nil)
	e.do("POST", "/api/v1/auth/totp/disable", out.Token, `{"code":"`+totpNow(t, en.Secret, 1)+`"}`, 409, &got)
	if got.Error.Code != "totp_required_by_policy" {
		t.Fatalf("disable under policy: %+v", got.Error)
	}
	// An admin resets a lost device: the agent is signed out.
	e.do("DELETE", "/api/v1/agents/"+e.idA.String()+"/totp", e.sup, "", 403, nil)
	e.do("DELETE", "/api/v1/agents/"+e.idA.String()+"/totp", e.admin, "", 204, nil)
	e.do("GET", "/api/v1/me", out.Token, "", 401, nil)
}

// TestSessionsAPI (A8, J3): a second login ends the first session and
// tells the observer; a password change ends all; logout revokes.
func TestSessionsAPI(t *testing.T) {
	var mu sync.Mutex
	var revoked []desk.ID
	e := newEnvWith(t, Config{SessionObserver: desk.SessionObserverFunc(func(id desk.ID) {
		mu.Lock()
		revoked = append(revoked, id)
		mu.Unlock()
	})})
	var mobile struct{ Token string }
	e.do("POST", "/api/v1/auth/login", "", `{"email":"a@example.com","password":"password1","client":"mobile"}`, 200, &mobile)
	var got apiError
	e.do("GET", "/api/v1/me", e.agentA, "", 401, &got) // the web session ended
	mu.Lock()
	if len(revoked) != 1 {
		t.Fatalf("observer told %v", revoked)
	}
	mu.Unlock()
	e.do("PUT", "/api/v1/me/password", mobile.Token, `{"current_password":"nope","new_password":"another-pass"}`, 400, &got)
	if got.Error.Code != "invalid_credentials" || got.Error.Field != "current_password" {
		t.Fatalf("wrong current password: %+v", got.Error)
	}
	e.do("PUT", "/api/v1/me/password", mobile.Token, `{"current_password":"password1","new_password":"short"}`, 400, nil)
	e.do("PATCH", "/api/v1/agents/"+e.idA.String(), mobile.Token, `{"password":"sneaky-pass-1"}`, 400, nil)
	e.do("PUT", "/api/v1/me/password", mobile.Token, `{"current_password":"password1","new_password":"another-pass"}`, 204, nil)
	e.do("GET", "/api/v1/me", mobile.Token, "", 401, nil)
	var fresh struct{ Token string }
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "another-pass", ""), 200, &fresh)
	// An admin setting the password also ends the agent's sessions.
	e.do("PATCH", "/api/v1/agents/"+e.idA.String(), e.admin, `{"password":"admin-set-pass"}`, 200, nil)
	e.do("GET", "/api/v1/me", fresh.Token, "", 401, nil)
	e.do("POST", "/api/v1/auth/logout", e.sup, "", 204, nil)
	e.do("GET", "/api/v1/me", e.sup, "", 401, nil)
}

// TestLoginThrottleAPI: repeated failures get 429 too_many_attempts with
// Retry-After, the same for a known and an unknown account.
func TestLoginThrottleAPI(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, Config{Throttle: auth.ThrottleConfig{PairFree: 2, PairDelay: time.Hour}})
	for _, email := range []string{"a@example.com", "nobody@example.com"} {
		for i := 0; i < 2; i++ {
			e.do("POST", "/api/v1/auth/login", "", login(email, "wrong", ""), 401, nil)
		}
		req, _ := http.NewRequest("POST", e.url+"/api/v1/auth/login", strings.NewReader(login(email, "password1", "")))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3600" {
			t.Fatalf("%s: status %d Retry-After %q", email, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	e.do("POST", "/api/v1/auth/login", "", login("b@example.com", "password1", ""), 200, nil)
}

// TestAuditAPI: security events are listed for admins only, paged.
func TestAuditAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.do("POST", "/api/v1/auth/login", "", login("a@example.com", "wrong", ""), 401, nil)
	e.do("PATCH", "/api/v1/agents/"+e.idB.String(), e.admin, `{"role":"supervisor"}`, 200, nil)
	var tok struct{ ID desk.ID }
	e.do("POST", "/api/v1/integration-tokens", e.admin, `{"name":"crm"}`, 201, &tok)
	e.do("DELETE", "/api/v1/integration-tokens/"+tok.ID.String(), e.admin, "", 204, nil)
	e.do("GET", "/api/v1/audit", e.sup, "", 403, nil)
	e.do("GET", "/api/v1/audit", e.agentA, "", 403, nil)
	var page struct {
		Items      []desk.AuditEntry
		NextCursor string `json:"next_cursor"`
	}
	e.do("GET", "/api/v1/audit?limit=3", e.admin, "", 200, &page)
	if len(page.Items) != 3 || page.NextCursor == "" || page.Items[0].Type != desk.AuditTokenDeleted ||
		page.Items[1].Type != desk.AuditTokenCreated || page.Items[2].Type != desk.AuditRoleChanged ||
		page.Items[2].Detail["to"] != "supervisor" || page.Items[2].IP != "127.0.0.1" {
		t.Fatalf("audit page: %+v", page)
	}
	var all struct{ Items []desk.AuditEntry }
	e.do("GET", "/api/v1/audit?limit=200&type=login_failed", e.admin, "", 200, &all)
	if len(all.Items) != 1 || *all.Items[0].AgentID != e.idA {
		t.Fatalf("failed logins: %+v", all.Items)
	}
	e.do("GET", "/api/v1/audit?cursor="+page.NextCursor, e.admin, "", 200, nil)
	for _, it := range all.Items {
		for k := range it.Detail {
			if strings.Contains(k, "password") || strings.Contains(k, "token") && k != "token_id" {
				t.Fatalf("audit detail holds a secret-looking key %q", k)
			}
		}
	}
}
