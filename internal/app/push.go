package app

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/push"
)

// newPusher loads (or makes, once) the server's VAPID key and returns the
// Web Push notifier (A7, A9), sending through the SSRF-guarded client.
func newPusher(ctx context.Context, store desk.Store, client *http.Client, log *slog.Logger) (*push.Notifier, error) {
	key, err := store.VAPIDKey(desk.NewContextWithActor(ctx, desk.SystemActor), push.GenerateVAPIDKey)
	if err != nil {
		return nil, err
	}
	v, err := push.NewVAPID(key, "")
	if err != nil {
		return nil, err
	}
	return push.NewNotifier(store, &push.Sender{Client: client, VAPID: v}, log), nil
}
