package access

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// AgentFinder reads the agent a rule is about: whether the agent changed
// is an admin decides who may change them.
type AgentFinder interface {
	// FindAgentByID returns ENOTFOUND if the agent does not exist.
	FindAgentByID(ctx context.Context, id desk.ID) (*desk.Agent, error)
}

// CheckAgentUpdate says whether the actor of ctx may apply upd to agent
// id. Agents change their own name and status (and password); supervisors
// capacity and queues, and anyone's profile but an admin's; admins roles
// and other agents' passwords. The fields are checked before the agent is
// read, so a forbidden field is EFORBIDDEN even for an unknown agent; an
// unknown agent is ENOTFOUND for a supervisor changing someone else.
func CheckAgentUpdate(ctx context.Context, agents AgentFinder, id desk.ID, upd desk.AgentUpdate) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	self := actor.AgentID == id
	switch {
	case upd.Role != nil || (upd.PasswordHash != nil && !self):
		if !actor.Can(desk.RoleAdmin) {
			return desk.Errorf(desk.EFORBIDDEN, "only admins change roles and other agents' passwords")
		}
	case upd.Capacity != nil || upd.ChannelCapacity != nil || upd.QueueIDs != nil:
		if !actor.Can(desk.RoleSupervisor) {
			return desk.Errorf(desk.EFORBIDDEN, "only supervisors change capacity and queues")
		}
	default:
		if !self && !actor.Can(desk.RoleSupervisor) {
			return desk.Errorf(desk.EFORBIDDEN, "agents change only their own profile")
		}
	}
	if self || actor.Can(desk.RoleAdmin) {
		return nil
	}
	return notAdmin(ctx, agents, id)
}

// CheckAgentStatus says whether the actor of ctx may set agent agentID's
// hand-set status: their own, anyone's for a supervisor but an admin's,
// anyone's for an admin. An automatic status is left to the store, which
// refuses it (EINVALID) before the agent's role matters.
func CheckAgentStatus(ctx context.Context, agents AgentFinder, agentID desk.ID, status string) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	}
	if actor.AgentID == agentID || actor.Can(desk.RoleAdmin) {
		return nil
	}
	if !actor.Can(desk.RoleSupervisor) {
		return desk.Errorf(desk.EFORBIDDEN, "agents set only their own status")
	}
	if desk.AutomaticStatus(status) {
		return nil
	}
	return notAdmin(ctx, agents, agentID)
}

// notAdmin refuses a change to an admin by someone who is not one.
func notAdmin(ctx context.Context, agents AgentFinder, id desk.ID) error {
	a, err := agents.FindAgentByID(ctx, id)
	if err != nil {
		return err
	}
	if a.Role == desk.RoleAdmin {
		return desk.Errorf(desk.EFORBIDDEN, "only admins change admins")
	}
	return nil
}

// UpdateAgent checks CheckAgentUpdate, then delegates.
func (g *Guard) UpdateAgent(ctx context.Context, id desk.ID, upd desk.AgentUpdate) (*desk.Agent, error) {
	if err := CheckAgentUpdate(ctx, g.Store, id, upd); err != nil {
		return nil, err
	}
	return g.Store.UpdateAgent(ctx, id, upd)
}

// SetAgentStatus checks CheckAgentStatus, then delegates.
func (g *Guard) SetAgentStatus(ctx context.Context, agentID desk.ID, status string) (*desk.Agent, error) {
	if err := CheckAgentStatus(ctx, g.Store, agentID, status); err != nil {
		return nil, err
	}
	return g.Store.SetAgentStatus(ctx, agentID, status)
}
