package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testTwoFactor: enrollment lifecycle, replay guard on time steps, single
// use recovery codes, the session restriction lifted by confirmation.
func testTwoFactor(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	_, err := f.s.FindTwoFactor(f.sys, a.ID)
	wantCode(t, err, desk.ENOTFOUND)
	wantCode(t, f.s.ConfirmTwoFactor(f.sys, a.ID, 1, nil), "totp_not_enrolled")

	if err := f.s.BeginTwoFactor(f.sys, &desk.TwoFactor{AgentID: a.ID, Secret: "OLD"}); err != nil {
		t.Fatal(err)
	}
	// A pending enrollment is replaced, and cannot be used to sign in.
	if err := f.s.BeginTwoFactor(f.sys, &desk.TwoFactor{AgentID: a.ID, Secret: "SECRET"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.UseTwoFactorStep(f.sys, a.ID, 5), "totp_replayed")
	se := &desk.Session{AgentID: a.ID, TokenHash: "h", ExpiresAt: f.clock.Now().Add(time.Hour), EnrollRequired: true}
	if err := f.s.CreateSession(f.sys, se); err != nil {
		t.Fatal(err)
	}
	if got, _, err := f.s.FindSessionByTokenHash(f.sys, "h"); err != nil || !got.EnrollRequired {
		t.Fatalf("session restriction not stored: %+v %v", got, err)
	}
	if err := f.s.ConfirmTwoFactor(f.sys, a.ID, 100, []string{"r1", "r2"}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := f.s.FindSessionByTokenHash(f.sys, "h"); got.EnrollRequired {
		t.Fatal("confirmation did not lift the session restriction")
	}
	wantCode(t, f.s.BeginTwoFactor(f.sys, &desk.TwoFactor{AgentID: a.ID, Secret: "X"}), "totp_enrolled")
	wantCode(t, f.s.ConfirmTwoFactor(f.sys, a.ID, 101, nil), "totp_enrolled")
	tf, err := f.s.FindTwoFactor(f.sys, a.ID)
	if err != nil || !tf.Confirmed || tf.Secret != "SECRET" || tf.LastStep != 100 || tf.RecoveryCodesLeft != 2 || tf.ConfirmedAt == nil {
		t.Fatalf("enrollment = %+v, %v", tf, err)
	}
	// Steps: the confirming one and earlier ones are spent; later ones once.
	wantCode(t, f.s.UseTwoFactorStep(f.sys, a.ID, 100), "totp_replayed")
	wantCode(t, f.s.UseTwoFactorStep(f.sys, a.ID, 99), "totp_replayed")
	if err := f.s.UseTwoFactorStep(f.sys, a.ID, 101); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.UseTwoFactorStep(f.sys, a.ID, 101), "totp_replayed")
	// Recovery codes are single use.
	if err := f.s.UseRecoveryCode(f.sys, a.ID, "r1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.s.UseRecoveryCode(f.sys, a.ID, "r1"), desk.ENOTFOUND)
	wantCode(t, f.s.UseRecoveryCode(f.sys, a.ID, "nope"), desk.ENOTFOUND)
	if tf, _ := f.s.FindTwoFactor(f.sys, a.ID); tf.RecoveryCodesLeft != 1 {
		t.Fatalf("recovery codes left = %d, want 1", tf.RecoveryCodesLeft)
	}
	if err := f.s.DeleteTwoFactor(f.sys, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.FindTwoFactor(f.sys, a.ID)
	wantCode(t, err, desk.ENOTFOUND)
	wantCode(t, f.s.UseRecoveryCode(f.sys, a.ID, "r2"), desk.ENOTFOUND)
	wantCode(t, f.s.UseTwoFactorStep(f.sys, a.ID, 500), desk.ENOTFOUND)
}

// testTwoFactorPolicy: the per-role setting is validated and kept (who may
// set it: internal/access).
func testTwoFactorPolicy(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.MustAgent("s@example.com", desk.RoleSupervisor)
	admin := f.MustAgent("adm@example.com", desk.RoleAdmin)
	p, err := f.s.FindTwoFactorPolicy(f.sys)
	if err != nil || len(p.RequiredRoles) != 0 {
		t.Fatalf("default policy = %+v, %v", p, err)
	}
	want := &desk.TwoFactorPolicy{RequiredRoles: []desk.Role{desk.RoleAdmin, desk.RoleSupervisor, desk.RoleAdmin}}
	wantCode(t, f.s.UpdateTwoFactorPolicy(f.as(admin), &desk.TwoFactorPolicy{RequiredRoles: []desk.Role{"root"}}), desk.EINVALID)
	if err := f.s.UpdateTwoFactorPolicy(f.as(admin), want); err != nil {
		t.Fatal(err)
	}
	p, _ = f.s.FindTwoFactorPolicy(f.sys)
	if len(p.RequiredRoles) != 2 || p.RequiredRoles[0] != desk.RoleSupervisor || !p.Requires(desk.RoleAdmin) || p.Requires(desk.RoleAgent) {
		t.Fatalf("policy = %+v", p)
	}
}

// testAudit: entries are admin-only, newest first, paged, filterable.
func testAudit(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.MustAgent("a@example.com", desk.RoleAgent)
	admin := f.MustAgent("adm@example.com", desk.RoleAdmin)
	for i := 0; i < 5; i++ {
		e := &desk.AuditEntry{Type: desk.AuditLoginFailed, AgentID: &a.ID, IP: "192.0.2.1", Detail: map[string]any{"reason": "password"}}
		if i == 4 {
			e = &desk.AuditEntry{Type: desk.AuditRoleChanged, ActorID: &admin.ID, AgentID: &a.ID}
		}
		if err := f.s.CreateAuditEntry(f.sys, e); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Second)
	}
	page, next, err := f.s.FindAuditEntries(f.as(admin), desk.AuditFilter{Limit: 3})
	if err != nil || len(page) != 3 || next == "" || page[0].Type != desk.AuditRoleChanged || *page[0].ActorID != admin.ID {
		t.Fatalf("page 1: %+v %q %v", page, next, err)
	}
	page2, next2, err := f.s.FindAuditEntries(f.as(admin), desk.AuditFilter{Limit: 3, Cursor: next})
	if err != nil || len(page2) != 2 || next2 != "" || page2[1].Detail["reason"] != "password" || page2[1].IP != "192.0.2.1" || !page2[1].CreatedAt.Before(page2[0].CreatedAt) {
		t.Fatalf("page 2: %+v %q %v", page2, next2, err)
	}
	typ := desk.AuditRoleChanged
	only, _, _ := f.s.FindAuditEntries(f.as(admin), desk.AuditFilter{Type: &typ})
	if len(only) != 1 {
		t.Fatalf("filter by type: %d entries", len(only))
	}
	_, _, err = f.s.FindAuditEntries(f.as(admin), desk.AuditFilter{Cursor: "garbage"})
	wantCode(t, err, desk.EINVALID)
}
