package routing

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestMayHold(t *testing.T) {
	for _, tc := range []struct {
		role   desk.Role
		member bool
		want   bool
	}{
		{desk.RoleAgent, true, true},
		{desk.RoleAgent, false, false},
		{desk.RoleSupervisor, false, true},
		{desk.RoleSupervisor, true, true},
		{desk.RoleAdmin, false, true},
		{"", false, false}, // an unknown role counts as no role
	} {
		if got := MayHold(tc.role, tc.member); got != tc.want {
			t.Errorf("MayHold(%q, member %v) = %v, want %v", tc.role, tc.member, got, tc.want)
		}
	}
}
