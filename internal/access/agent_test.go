package access

import (
	"context"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// agentStore is a Store holding agents by ID, which records whether an
// update or a status change reached it; any other call panics.
type agentStore struct {
	Store
	agents  map[desk.ID]*desk.Agent
	reached bool
}

func (s *agentStore) FindAgentByID(_ context.Context, id desk.ID) (*desk.Agent, error) {
	if a, ok := s.agents[id]; ok {
		return a, nil
	}
	return nil, desk.Errorf(desk.ENOTFOUND, "agent not found")
}

func (s *agentStore) UpdateAgent(context.Context, desk.ID, desk.AgentUpdate) (*desk.Agent, error) {
	s.reached = true
	return &desk.Agent{}, nil
}

func (s *agentStore) SetAgentStatus(context.Context, desk.ID, string) (*desk.Agent, error) {
	s.reached = true
	return &desk.Agent{}, nil
}

// Agent 1 is an agent, 2 a supervisor, 3 an admin; 99 does not exist.
func newAgentStore() *agentStore {
	return &agentStore{agents: map[desk.ID]*desk.Agent{
		1: {ID: 1, Role: desk.RoleAgent}, 2: {ID: 2, Role: desk.RoleSupervisor}, 3: {ID: 3, Role: desk.RoleAdmin}}}
}

var (
	asAgent      = &desk.Actor{AgentID: 1, Role: desk.RoleAgent}
	asSupervisor = &desk.Actor{AgentID: 2, Role: desk.RoleSupervisor}
	asAdmin      = &desk.Actor{AgentID: 3, Role: desk.RoleAdmin}
	asOrphan     = &desk.Actor{Name: "integration:gone"}
)

// A denial's kind and message ("" when the call reaches the store).
const (
	msgOwnProfile = "agents change only their own profile"
	msgRoles      = "only admins change roles and other agents' passwords"
	msgCapacity   = "only supervisors change capacity and queues"
	msgAdmins     = "only admins change admins"
	msgOwnStatus  = "agents set only their own status"
)

func TestUpdateAgentRules(t *testing.T) {
	name, hash, capacity := "New", "hash", 3
	role, queues := desk.RoleSupervisor, []desk.ID{5}
	cases := []struct {
		name  string
		actor *desk.Actor
		id    desk.ID
		upd   desk.AgentUpdate
		kind  string // "" when allowed
		msg   string
	}{
		{"no actor", nil, 1, desk.AgentUpdate{Name: &name}, desk.EUNAUTHENTICATED, "authentication required"},
		{"agent renames self", asAgent, 1, desk.AgentUpdate{Name: &name}, "", ""},
		{"agent sets own password", asAgent, 1, desk.AgentUpdate{PasswordHash: &hash}, "", ""},
		{"agent renames another", asAgent, 2, desk.AgentUpdate{Name: &name}, desk.EFORBIDDEN, msgOwnProfile},
		{"agent renames unknown", asAgent, 99, desk.AgentUpdate{Name: &name}, desk.EFORBIDDEN, msgOwnProfile},
		{"agent sets own capacity", asAgent, 1, desk.AgentUpdate{Capacity: &capacity}, desk.EFORBIDDEN, msgCapacity},
		{"agent sets own queues", asAgent, 1, desk.AgentUpdate{QueueIDs: &queues}, desk.EFORBIDDEN, msgCapacity},
		{"agent sets own role", asAgent, 1, desk.AgentUpdate{Role: &role}, desk.EFORBIDDEN, msgRoles},
		{"agent sets another's password", asAgent, 2, desk.AgentUpdate{PasswordHash: &hash}, desk.EFORBIDDEN, msgRoles},
		{"supervisor renames agent", asSupervisor, 1, desk.AgentUpdate{Name: &name}, "", ""},
		{"supervisor sets agent's capacity", asSupervisor, 1, desk.AgentUpdate{Capacity: &capacity}, "", ""},
		{"supervisor renames admin", asSupervisor, 3, desk.AgentUpdate{Name: &name}, desk.EFORBIDDEN, msgAdmins},
		{"supervisor sets admin's queues", asSupervisor, 3, desk.AgentUpdate{QueueIDs: &queues}, desk.EFORBIDDEN, msgAdmins},
		{"supervisor renames unknown", asSupervisor, 99, desk.AgentUpdate{Name: &name}, desk.ENOTFOUND, "agent not found"},
		{"supervisor sets a role (fields first)", asSupervisor, 99, desk.AgentUpdate{Role: &role}, desk.EFORBIDDEN, msgRoles},
		{"supervisor sets agent's password", asSupervisor, 1, desk.AgentUpdate{PasswordHash: &hash}, desk.EFORBIDDEN, msgRoles},
		{"supervisor sets own capacity", asSupervisor, 2, desk.AgentUpdate{Capacity: &capacity}, "", ""},
		{"admin sets admin's role", asAdmin, 3, desk.AgentUpdate{Role: &role}, "", ""},
		{"admin renames unknown (store says)", asAdmin, 99, desk.AgentUpdate{Name: &name}, "", ""},
		{"system sets a password", desk.SystemActor, 1, desk.AgentUpdate{PasswordHash: &hash}, "", ""},
		{"orphan token renames", asOrphan, 1, desk.AgentUpdate{Name: &name}, desk.EFORBIDDEN, msgOwnProfile},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := newAgentStore()
			_, err := Wrap(st).UpdateAgent(ctxOf(tc.actor), tc.id, tc.upd)
			checkRule(t, err, st.reached, tc.kind, tc.msg)
		})
	}
}

func TestSetAgentStatusRules(t *testing.T) {
	cases := []struct {
		name   string
		actor  *desk.Actor
		id     desk.ID
		status string
		kind   string
		msg    string
	}{
		{"no actor", nil, 1, desk.StatusAway, desk.EUNAUTHENTICATED, "authentication required"},
		{"agent, own", asAgent, 1, desk.StatusAway, "", ""},
		{"agent, another's", asAgent, 2, desk.StatusAway, desk.EFORBIDDEN, msgOwnStatus},
		{"agent, unknown", asAgent, 99, desk.StatusAway, desk.EFORBIDDEN, msgOwnStatus},
		{"supervisor, agent's", asSupervisor, 1, desk.StatusAway, "", ""},
		{"supervisor, admin's", asSupervisor, 3, desk.StatusAway, desk.EFORBIDDEN, msgAdmins},
		{"supervisor, unknown", asSupervisor, 99, desk.StatusAway, desk.ENOTFOUND, "agent not found"},
		// The store refuses automatic statuses (EINVALID) before the
		// agent's role is read.
		{"supervisor, admin's automatic", asSupervisor, 3, desk.CallInCall, "", ""},
		{"admin, admin's", asAdmin, 3, desk.StatusAway, "", ""},
		{"admin, agent's", asAdmin, 1, desk.StatusAway, "", ""},
		{"system, admin's", desk.SystemActor, 3, desk.StatusOffline, "", ""},
		{"orphan token, agent's", asOrphan, 1, desk.StatusAway, desk.EFORBIDDEN, msgOwnStatus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := newAgentStore()
			_, err := Wrap(st).SetAgentStatus(ctxOf(tc.actor), tc.id, tc.status)
			checkRule(t, err, st.reached, tc.kind, tc.msg)
		})
	}
}

// checkRule checks a call reached the store when kind is "", else failed
// with kind and msg without reaching it.
func checkRule(t *testing.T, err error, reached bool, kind, msg string) {
	t.Helper()
	if kind == "" {
		if err != nil || !reached {
			t.Fatalf("got %v (reached %v), want the call passed to the store", err, reached)
		}
		return
	}
	if reached {
		t.Fatalf("the call reached the store, want %s", kind)
	}
	if desk.ErrorKind(err) != kind || desk.ErrorMessage(err) != msg {
		t.Fatalf("got %s %q, want %s %q", desk.ErrorKind(err), desk.ErrorMessage(err), kind, msg)
	}
}
