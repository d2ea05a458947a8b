// Package access says who may do what: the role each store operation
// needs (Rules, rules.go), the rules that depend on the row touched
// (agent.go), and Guard, the store every user's request goes through
// (the HTTP server's, the WebSocket hub's, the data-protection service's),
// which checks them before the store runs. The SQL stores hold no role
// rule: they keep queue scoping, transactions and queries.
package access

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
)

// Store is the store users' requests reach: the domain's store with the
// channel, preview, idempotency, privacy and first-run services and the
// report rollups. Both SQL stores are all of it.
type Store interface {
	desk.Store
	desk.ChannelStore
	desk.PreviewFiller
	desk.IdempotencyService
	desk.PrivacyStore
	desk.SetupStore
	report.RollupStore
}

// Guard is a Store that checks the actor of each call against the rules
// before the wrapped store runs it. Operations open to every
// authenticated actor (Open) pass through unchanged: the store still
// scopes them to the actor's queues.
type Guard struct {
	Store
}

// Wrap returns s behind the rules.
func Wrap(s Store) *Guard { return &Guard{Store: s} }

// Require checks the actor of ctx against op's line in Rules, for a use
// case that refuses a caller before it starts (before decoding or
// validating a request, so a refused caller learns nothing else).
func Require(ctx context.Context, op string) error { return (*Guard)(nil).require(ctx, op) }

// require checks the actor of ctx against op's line in Rules: the same
// EUNAUTHENTICATED and EFORBIDDEN errors as desk.RequireRole. An
// operation missing from the table is refused, so a guarded method
// without a rule fails closed.
func (g *Guard) require(ctx context.Context, op string) error {
	min, ok := Rules[op]
	if !ok {
		return desk.Errorf(desk.EINTERNAL, "no access rule for %s", op)
	}
	_, err := desk.RequireRole(ctx, min)
	return err
}
