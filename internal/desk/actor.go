package desk

import "context"

// Role is an account's role (A1).
type Role string

// Roles, from least to most privileged.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAgent || r == RoleSupervisor || r == RoleAdmin
}

// AtLeast reports whether r has at least the privileges of min.
func (r Role) AtLeast(min Role) bool { return roleRank(r) >= roleRank(min) }

func roleRank(r Role) int {
	switch r {
	case RoleAgent:
		return 1
	case RoleSupervisor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Actor is who performs an operation. Stores use it to scope reads and
// writes: an agent sees only conversations of queues they belong to;
// supervisors and admins see all. System is set for the server's own work
// (inbound ingestion, routing, migrations) and sees everything.
type Actor struct {
	AgentID ID
	Name    string
	Role    Role
	System  bool
}

// SeesAllQueues reports whether the actor is exempt from queue scoping.
func (a *Actor) SeesAllQueues() bool {
	return a != nil && (a.System || a.Role.AtLeast(RoleSupervisor))
}

// Can reports whether the actor holds at least the given role.
func (a *Actor) Can(min Role) bool {
	return a != nil && (a.System || a.Role.AtLeast(min))
}

// SystemActor is the actor of the server's own work.
var SystemActor = &Actor{System: true, Name: "system"}

type actorKey struct{}

// NewContextWithActor returns ctx carrying the actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor of ctx, or nil when there is none.
// Stores treat a missing actor as unauthenticated.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// RequireActor returns the actor of ctx or EUNAUTHENTICATED.
func RequireActor(ctx context.Context) (*Actor, error) {
	a := ActorFromContext(ctx)
	if a == nil {
		return nil, Errorf(EUNAUTHENTICATED, "authentication required")
	}
	return a, nil
}

// RequireRole returns the actor of ctx if it holds at least min, else
// EUNAUTHENTICATED or EFORBIDDEN.
func RequireRole(ctx context.Context, min Role) (*Actor, error) {
	a, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(min) {
		return nil, Errorf(EFORBIDDEN, "this requires the %s role", min)
	}
	return a, nil
}
