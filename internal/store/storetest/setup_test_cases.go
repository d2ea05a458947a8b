package storetest

import (
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// testSetup: the first run creates the first admin and the organisation
// once; an admin made otherwise (`user create`) ends it too.
func testSetup(t *testing.T, open Opener) {
	f := newFixture(t, open)
	var ss desk.SetupStore = f.s
	if need, err := ss.SetupNeeded(f.sys); err != nil || !need {
		t.Fatalf("empty store: needed=%v %v", need, err)
	}
	agent := f.MustAgent("a@example.com", desk.RoleAgent)
	_, err := ss.SetupNeeded(f.as(agent))
	wantCode(t, err, desk.EFORBIDDEN)
	wantCode(t, ss.CompleteSetup(f.as(agent), &desk.Agent{Email: "x@example.com", Name: "X"}, &desk.Organisation{Name: "Shop"}), desk.EFORBIDDEN)
	_, err = ss.FindOrganisation(f.sys)
	wantCode(t, err, desk.ENOTFOUND)
	wantCode(t, ss.CompleteSetup(f.sys, &desk.Agent{Email: "x@example.com", Name: "X"}, &desk.Organisation{Name: "  "}), desk.EINVALID)
	// Nothing was left behind by the refusal.
	if need, _ := ss.SetupNeeded(f.sys); !need {
		t.Fatal("a refused setup counted")
	}

	// Two browsers racing: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ss.CompleteSetup(f.sys, &desk.Agent{Email: []string{"ann@example.com", "bob@example.com"}[i], Name: "Admin", PasswordHash: "h", Capacity: 5},
				&desk.Organisation{Name: " Shop ", PhoneRegion: "de"})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("racing setups: %v / %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil {
			wantCode(t, err, desk.CodeSetupDone)
		}
	}
	if need, _ := ss.SetupNeeded(f.sys); need {
		t.Fatal("still needed after setup")
	}
	o, err := ss.FindOrganisation(f.as(agent))
	if err != nil || o.Name != "Shop" || o.PhoneRegion != "DE" {
		t.Fatalf("organisation: %+v %v", o, err)
	}
	admins := 0
	for _, e := range []string{"ann@example.com", "bob@example.com"} {
		if a, err := f.s.FindAgentByEmail(f.sys, e); err == nil && a.Role == desk.RoleAdmin {
			admins++
		}
	}
	if admins != 1 {
		t.Fatalf("%d admins after racing setups", admins)
	}

	// A store whose admin came from `user create` needs no setup and
	// refuses one.
	g := newFixture(t, open)
	var gs desk.SetupStore = g.s
	g.MustAgent("root@example.com", desk.RoleAdmin)
	if need, _ := gs.SetupNeeded(g.sys); need {
		t.Fatal("an admin exists: no setup needed")
	}
	wantCode(t, gs.CompleteSetup(g.sys, &desk.Agent{Email: "late@example.com", Name: "Late"}, &desk.Organisation{Name: "Shop"}), desk.CodeSetupDone)
}
