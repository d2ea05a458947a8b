package auth_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite/sqlitetest"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// fixture is an authenticator over a real SQLite store and a test clock.
type fixture struct {
	t       *testing.T
	a       *auth.Authenticator
	st      desk.Store
	clock   *storetest.Clock
	agent   *desk.Agent
	ctx     context.Context // carries the client address
	mu      sync.Mutex
	revoked []desk.ID
}

func newFixture(t *testing.T, role desk.Role) *fixture {
	t.Helper()
	clock := storetest.NewClock()
	st := sqlitetest.Open(t, clock)
	f := &fixture{t: t, st: st, clock: clock, ctx: auth.NewContextWithClientIP(context.Background(), "192.0.2.7")}
	// Every test runs with the token cache the server uses: revocations
	// must take effect through it at once.
	f.a = &auth.Authenticator{Store: st, Clock: clock, IdleTimeout: time.Hour, Cache: auth.NewSessionCache(10*time.Second, 0),
		Throttle: auth.NewThrottle(auth.ThrottleConfig{}, clock),
		Observer: desk.SessionObserverFunc(func(id desk.ID) { f.mu.Lock(); f.revoked = append(f.revoked, id); f.mu.Unlock() })}
	h, _ := auth.HashPassword("password1")
	f.agent = &desk.Agent{Email: "a@example.com", Role: role, Capacity: 1, PasswordHash: h}
	if err := st.CreateAgent(desk.NewContextWithActor(context.Background(), desk.SystemActor), f.agent); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) login(code string) (*auth.Session, error) {
	return f.a.Login(f.ctx, auth.LoginRequest{Email: "A@example.com", Password: "password1", TOTPCode: code, Client: "web"})
}

// as returns the context of a resolved session token.
func (f *fixture) as(token string) context.Context {
	f.t.Helper()
	id, err := f.a.Resolve(f.ctx, token)
	if err != nil {
		f.t.Fatalf("resolve: %v", err)
	}
	return desk.NewContextWithActor(f.ctx, id.Actor)
}

func (f *fixture) code(secret string) string {
	c, err := auth.TOTPCode(secret, auth.TOTPStep(f.clock.Now()), otp.DigitsSix)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := desk.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// TestTwoFactorLogin walks enrollment, login with a code, replay refusal,
// recovery codes and disabling.
func TestTwoFactorLogin(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	s, err := f.login("")
	if err != nil || s.EnrollRequired {
		t.Fatalf("login before enrollment: %+v %v", s, err)
	}
	ctx := f.as(s.Token)
	en, err := f.a.EnrollTOTP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Not enabled until confirmed: login still needs no code.
	if s, err = f.login(""); err != nil {
		t.Fatalf("pending enrollment asked for a code: %v", err)
	}
	ctx = f.as(s.Token)
	_, err = f.a.ConfirmTOTP(ctx, "000000")
	wantCode(t, err, "invalid_totp")
	codes, err := f.a.ConfirmTOTP(ctx, f.code(en.Secret))
	if err != nil || len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("confirm: %v %v", codes, err)
	}
	_, err = f.a.EnrollTOTP(ctx)
	wantCode(t, err, "totp_enrolled")

	_, err = f.login("")
	wantCode(t, err, "totp_required")
	_, err = f.login("123456")
	wantCode(t, err, "invalid_totp")
	// The code that confirmed is spent for its whole window.
	_, err = f.login(f.code(en.Secret))
	wantCode(t, err, "invalid_totp")
	f.clock.Add(30 * time.Second)
	good := f.code(en.Secret)
	if _, err := f.login(good); err != nil {
		t.Fatalf("login with a fresh code: %v", err)
	}
	_, err = f.login(good)
	wantCode(t, err, "invalid_totp") // replay within the window
	// A recovery code works once, typed in any case.
	s, err = f.login(codes[0])
	if err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	f.clock.Add(time.Minute) // let the account bucket refill
	_, err = f.login(codes[0])
	wantCode(t, err, "invalid_totp")
	st, _ := f.a.TwoFactorStatus(f.as(s.Token))
	if !st.Enabled || st.RecoveryCodesLeft != auth.RecoveryCodeCount-1 {
		t.Fatalf("status = %+v", st)
	}
	ctx = f.as(s.Token)
	// The wrong code given to confirm counts too.
	for i := 0; i < auth.DefaultThrottle.PairFree-1; i++ {
		wantCode(t, f.a.DisableTOTP(ctx, "999999"), "invalid_totp")
	}
	// Guessing the code that turns 2FA off is throttled too.
	wantCode(t, f.a.DisableTOTP(ctx, f.code(en.Secret)), "too_many_attempts")
	f.clock.Add(time.Minute)
	if err := f.a.DisableTOTP(ctx, f.code(en.Secret)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.login(""); err != nil {
		t.Fatalf("login after disabling: %v", err)
	}
	entries, _, _ := f.st.FindAuditEntries(desk.NewContextWithActor(context.Background(), desk.SystemActor), desk.AuditFilter{Limit: 100})
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.Type]++
		if e.IP != "192.0.2.7" {
			t.Fatalf("audit entry without the client address: %+v", e)
		}
	}
	if seen[desk.AuditTOTPEnrolled] != 1 || seen[desk.AuditTOTPDisabled] != 1 || seen[desk.AuditRecoveryCodeUsed] != 1 || seen[desk.AuditLoginFailed] < 3 {
		t.Fatalf("audit = %v", seen)
	}
}

// TestTwoFactorSealedSecret: with a secret key, the stored secret is
// sealed and login still works; without the key it cannot be used.
func TestTwoFactorSealedSecret(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	f.a.Secrets, _ = auth.NewSecretBox("0123456789abcdef0123456789abcdef")
	s, _ := f.login("")
	ctx := f.as(s.Token)
	en, err := f.a.EnrollTOTP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tf, _ := f.st.FindTwoFactor(f.ctx, f.agent.ID)
	if !strings.HasPrefix(tf.Secret, "enc1:") || strings.Contains(tf.Secret, en.Secret) {
		t.Fatalf("stored secret %q is not sealed", tf.Secret)
	}
	if _, err := f.a.ConfirmTOTP(ctx, f.code(en.Secret)); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(30 * time.Second)
	if _, err := f.login(f.code(en.Secret)); err != nil {
		t.Fatalf("login with a sealed secret: %v", err)
	}
	f.a.Secrets = nil
	f.clock.Add(30 * time.Second)
	_, err = f.login(f.code(en.Secret))
	wantCode(t, err, desk.EINTERNAL)
}

// TestTwoFactorPolicy: a role that requires 2FA gets a restricted session
// until enrollment is confirmed; disabling is then refused.
func TestTwoFactorPolicy(t *testing.T) {
	f := newFixture(t, desk.RoleSupervisor)
	admin := desk.NewContextWithActor(f.ctx, &desk.Actor{AgentID: 999, Role: desk.RoleAdmin})
	if err := f.a.UpdateTwoFactorPolicy(admin, &desk.TwoFactorPolicy{RequiredRoles: []desk.Role{desk.RoleSupervisor}}); err != nil {
		t.Fatal(err)
	}
	s, err := f.login("")
	if err != nil || !s.EnrollRequired {
		t.Fatalf("login: %+v %v", s, err)
	}
	id, _ := f.a.Resolve(f.ctx, s.Token)
	if !id.EnrollRequired {
		t.Fatal("session not restricted")
	}
	ctx := f.as(s.Token)
	en, _ := f.a.EnrollTOTP(ctx)
	if _, err := f.a.ConfirmTOTP(ctx, f.code(en.Secret)); err != nil {
		t.Fatal(err)
	}
	if id, _ := f.a.Resolve(f.ctx, s.Token); id.EnrollRequired {
		t.Fatal("confirmation did not lift the restriction")
	}
	wantCode(t, f.a.DisableTOTP(ctx, "123456"), "totp_required_by_policy")
}

// TestOneSessionPerAgent (A8): a new login revokes the older session and
// tells the observer; a password change revokes all.
func TestOneSessionPerAgent(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	first, _ := f.login("")
	firstID, _ := f.a.Resolve(f.ctx, first.Token)
	second, err := f.login("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Resolve(f.ctx, first.Token); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("old session still valid: %v", err)
	}
	if len(f.revoked) != 1 || f.revoked[0] != firstID.SessionID {
		t.Fatalf("observer told %v, want [%v]", f.revoked, firstID.SessionID)
	}
	ctx := f.as(second.Token)
	wantCode(t, f.a.ChangePassword(ctx, "wrong-password", "new-password-1"), "invalid_credentials")
	wantCode(t, f.a.ChangePassword(ctx, "password1", "short"), desk.EINVALID)
	if err := f.a.ChangePassword(ctx, "password1", "new-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Resolve(f.ctx, second.Token); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("session survived the password change: %v", err)
	}
	_, err = f.login("")
	wantCode(t, err, "invalid_credentials")
	// Idle expiry: unused for longer than IdleTimeout.
	s, err := f.a.Login(f.ctx, auth.LoginRequest{Email: "a@example.com", Password: "new-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(61 * time.Minute)
	if _, err := f.a.Resolve(f.ctx, s.Token); desk.ErrorKind(err) != desk.EUNAUTHENTICATED {
		t.Fatalf("idle session still valid: %v", err)
	}
}

// TestLoginThrottle: failures of one account from one address get
// progressive delays, with the wait in the error; time lets the next
// attempt through.
func TestLoginThrottle(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	attacker := auth.NewContextWithClientIP(context.Background(), "198.51.100.66")
	bad := auth.LoginRequest{Email: "a@example.com", Password: "nope"}
	for i := 0; i < auth.DefaultThrottle.PairFree; i++ {
		_, err := f.a.Login(attacker, bad)
		wantCode(t, err, "invalid_credentials")
	}
	// Each further failure doubles the wait: 1 s, 2 s, 4 s, 8 s.
	for _, want := range []int{1, 2, 4, 8} {
		_, err := f.a.Login(attacker, auth.LoginRequest{Email: "a@example.com", Password: "password1"})
		wantCode(t, err, "too_many_attempts") // the attacker's address waits, even with the right password
		if e := err.(*desk.Error); e.Detail["retry_after"] != want {
			t.Fatalf("retry_after = %v, want %d", e.Detail["retry_after"], want)
		}
		f.clock.Add(time.Duration(want) * time.Second)
		_, err = f.a.Login(attacker, bad)
		wantCode(t, err, "invalid_credentials")
	}
	// The owner, from an address that has not been failing, signs in.
	if _, err := f.login(""); err != nil {
		t.Fatalf("the owner is locked out: %v", err)
	}
	// The owner's success does not pardon the attacker's address.
	_, err := f.a.Login(attacker, bad)
	wantCode(t, err, "too_many_attempts")
	entries, _, _ := f.st.FindAuditEntries(desk.NewContextWithActor(context.Background(), desk.SystemActor),
		desk.AuditFilter{Limit: 100, Type: ptr(desk.AuditLoginThrottled)})
	if len(entries) != 5 || entries[0].IP != "198.51.100.66" || entries[0].Detail["scope"] != "account_address" {
		t.Fatalf("throttling audit = %+v", entries)
	}
}

// TestLoginUnderAttackFromManyAddresses: an account guessed at from many
// addresses at once is never locked: its owner's correct password (and
// TOTP code when enrolled) from an address that has not been failing signs
// in at every moment of the attack.
func TestLoginUnderAttackFromManyAddresses(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	s, err := f.login("")
	if err != nil {
		t.Fatal(err)
	}
	en, err := f.a.EnrollTOTP(f.as(s.Token))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.ConfirmTOTP(f.as(s.Token), f.code(en.Secret)); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5; round++ {
		for a := 0; a < 20; a++ {
			ctx := auth.NewContextWithClientIP(context.Background(), fmt.Sprintf("203.0.113.%d", a))
			for i := 0; i < 10; i++ {
				f.a.Login(ctx, auth.LoginRequest{Email: "a@example.com", Password: fmt.Sprintf("guess-%d-%d", round, i)})
				f.a.Login(ctx, auth.LoginRequest{Email: "a@example.com", Password: "password1", TOTPCode: "000000"})
			}
		}
		f.clock.Add(30 * time.Second) // a fresh TOTP step
		if _, err := f.login(f.code(en.Secret)); err != nil {
			t.Fatalf("round %d: the owner is locked out: %v", round, err)
		}
	}
}

// TestLoginAddressCeiling: one address failing on many accounts (password
// spraying) reaches the address's ceiling; other addresses are untouched.
func TestLoginAddressCeiling(t *testing.T) {
	f := newFixture(t, desk.RoleAgent)
	other := auth.NewContextWithClientIP(context.Background(), "2001:db8::1")
	for i := 0; i < auth.DefaultThrottle.IPBurst; i++ {
		_, err := f.a.Login(other, auth.LoginRequest{Email: fmt.Sprintf("x%d@example.com", i), Password: "nope"})
		wantCode(t, err, "invalid_credentials")
	}
	_, err := f.a.Login(auth.NewContextWithClientIP(context.Background(), "2001:db8::2"), auth.LoginRequest{Email: "a@example.com", Password: "password1"})
	wantCode(t, err, "too_many_attempts") // same /64
	if e := err.(*desk.Error); e.Detail["retry_after"] != int(auth.DefaultThrottle.IPEvery/time.Second) {
		t.Fatalf("retry_after = %v", e.Detail["retry_after"])
	}
	if _, err := f.login(""); err != nil {
		t.Fatalf("another address is throttled: %v", err)
	}
	// A colleague who signed in from the spraying address before (behind
	// the same NAT) is exempt from its ceiling.
	colleague := auth.NewContextWithClientIP(context.Background(), "2001:db8::3")
	f.clock.Add(auth.DefaultThrottle.IPEvery)
	if _, err := f.a.Login(colleague, auth.LoginRequest{Email: "a@example.com", Password: "password1"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		f.a.Login(other, auth.LoginRequest{Email: fmt.Sprintf("y%d@example.com", i), Password: "nope"})
	}
	if _, err := f.a.Login(colleague, auth.LoginRequest{Email: "a@example.com", Password: "password1"}); err != nil {
		t.Fatalf("a known account behind the spraying address: %v", err)
	}
	_, err = f.a.Login(colleague, auth.LoginRequest{Email: "b@example.com", Password: "password1"})
	wantCode(t, err, "too_many_attempts") // not known from there: the ceiling applies
	f.clock.Add(auth.DefaultThrottle.IPEvery)
	if _, err := f.a.Login(other, auth.LoginRequest{Email: "a@example.com", Password: "password1"}); err != nil {
		t.Fatalf("known from the address: %v", err)
	}
}

// TestThrottleBounded: many failing keys never grow the throttle past its
// bound.
func TestThrottleBounded(t *testing.T) {
	clock := storetest.NewClock()
	th := auth.NewThrottle(auth.ThrottleConfig{}, clock)
	for i := 0; i < 25000; i++ {
		th.Fail(fmt.Sprintf("ip:198.51.100.%d/%d", i%256, i))
	}
	if n := th.Len(); n > 10000 {
		t.Fatalf("throttle holds %d keys", n)
	}
}

func ptr[T any](v T) *T { return &v }
