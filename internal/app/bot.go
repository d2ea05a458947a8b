package app

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/bot"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/outbound"
)

// newBots returns the bot dispatcher: bots' answers go out like an agent's
// reply, through the channel rules and the outbox.
func newBots(store outbound.Store, channels desk.ChannelStore, adapters outbound.Adapters, notify func(), client *http.Client, log *slog.Logger) *bot.Dispatcher {
	svc := &outbound.Service{Store: store, Clock: desk.SystemClock{}, Notify: notify, Channels: channels, Adapters: adapters}
	return bot.New(store, func(ctx context.Context, id desk.ID, text string) error {
		_, err := svc.Reply(ctx, outbound.ReplyRequest{ConversationID: id, Type: desk.TypeText, Text: text})
		return err
	}, client, log)
}
