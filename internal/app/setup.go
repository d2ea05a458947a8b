package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// firstRunToken returns a one-time setup token when the data folder has
// no admin yet, else "". It lives in this process only: the link printed
// on stdout is the way in, and a restart prints a new one.
func firstRunToken(ctx context.Context, store desk.SetupStore) (string, error) {
	need, err := store.SetupNeeded(desk.NewContextWithActor(ctx, desk.SystemActor))
	if err != nil || !need {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// SetupToken is the first run's one-time setup token, "" once an admin
// exists (cmd/switchboard prints the link).
func (a *App) SetupToken() string { return a.setupToken }
