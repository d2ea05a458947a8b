package http

import (
	"context"

	"github.com/switchboard-cc/switchboard/internal/auth"
)

func withIdentity(ctx context.Context, id *auth.Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// identity returns the request's resolved identity.
func identity(ctx context.Context) *auth.Identity {
	id, _ := ctx.Value(identityKey{}).(*auth.Identity)
	return id
}
